import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app';
import type { Db, SqliteDb } from '../../db/client';
import type { Sql } from '../../db/sql';
import { sqlOf } from '../../db/sql';
import { memoryCheckpointKey } from '../../server/lib/checkpointKey';
import { pgSwitch, testConfig } from '../support/app';
import { makeAreas, makeGoods, makeHousehold, makeRule, makeUser, PASSWORD } from '../support/factories';

/** A village with one account per role, some households, a rule and goods. Usernames are fixed so a child process can log in. */
export async function seedTrustWorld(db: SqliteDb, opts: { households?: number; stock?: number; price?: number } = {}) {
  const areas = makeAreas(db);
  const v = areas.villageA.id;
  const households = Array.from({ length: opts.households ?? 5 }, (_, i) => makeHousehold(db, v, { headName: `王${'一二三四五六七八九十'[i % 10]}明` }));
  const users = {
    admin: await makeUser(db, 'county_admin', areas.county.id, { username: 'admin' }),
    cadre: await makeUser(db, 'village_cadre', v, { username: 'cadre' }),
    reviewer: await makeUser(db, 'reviewer', v, { username: 'reviewer' }),
    clerk: await makeUser(db, 'clerk', v, { username: 'clerk' }),
    household: await makeUser(db, 'household', v, { username: 'household', householdId: households[0].id }),
  };
  const rule = makeRule(db, areas.county.id, { points: 5 });
  const goods = makeGoods(db, v, { name: '食用油', price: opts.price ?? 10, stock: opts.stock ?? 100_000 });
  return { areas, households, users, rule, goods };
}

export type TrustWorld = Awaited<ReturnType<typeof seedTrustWorld>>;

export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary response shapes
  body: any;
  headers: Headers;
}

/** A cookie-keeping JSON client over real HTTP. */
export class HttpClient {
  cookie = '';
  constructor(readonly base: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(this.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }

  async login(username: string, password = PASSWORD): Promise<this> {
    const r = await this.request('POST', '/api/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    this.cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
    return this;
  }
}

/**
 * Serves the real app over loopback on a free port, in this process. `sql` and `appDb()` reach the database it
 * serves from: `db` itself, or in the pg-suite lane the PostgreSQL database it moved to on the first request.
 */
export async function serveInProcess(db: SqliteDb): Promise<{ base: string; close: () => Promise<void>; sql: Sql; appDb: () => Promise<Db> }> {
  const app = createApp({ db, config: testConfig });
  const switched = pgSwitch?.switchToPostgres(db, app, (appDb) => createApp({ db: appDb, config: { checkpointKey: memoryCheckpointKey(db), ...testConfig } }));
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
    sql: switched?.sql ?? sqlOf(db),
    appDb: switched?.appDb ?? (async () => db),
  };
}

/** The app's tables (not the migrations' bookkeeping) on either engine. */
export async function tableNames(sql: Sql): Promise<{ name: string }[]> {
  return sql.engine === 'sqlite'
    ? sql.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'")
    : sql.all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '__drizzle%'");
}

/** Row counts of every table plus the audit log's last id: a request that was refused must change none of them. Pass `t.sql` (either engine). */
export async function snapshotCounts(sql: Sql): Promise<Record<string, number>> {
  const tables = await tableNames(sql);
  const out: Record<string, number> = {};
  // The public rate limit's counters: PostgreSQL counts every public request there, refused or not (SQLite in memory).
  for (const { name } of tables) if (name !== 'public_hits') out[name] = Number((await sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`))!.n);
  out['audit_log.maxId'] = Number((await sql.get<{ n: number }>('SELECT COALESCE(MAX(id), 0) AS n FROM audit_log'))!.n);
  return out;
}
