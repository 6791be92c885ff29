import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app';
import type { SqliteDb } from '../../db/client';
import { testConfig } from '../support/app';
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

/** Serves the real app over loopback on a free port, in this process. */
export async function serveInProcess(db: SqliteDb): Promise<{ base: string; close: () => Promise<void> }> {
  const app = createApp({ db, config: testConfig });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Row counts of every table plus the audit log's last id: a request that was refused must change none of them. */
export function snapshotCounts(db: SqliteDb): Record<string, number> {
  const client = db.$client;
  const tables = client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'").all() as { name: string }[];
  const out: Record<string, number> = {};
  for (const { name } of tables) out[name] = (client.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n;
  out['audit_log.maxId'] = (client.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM audit_log').get() as { n: number }).n;
  return out;
}
