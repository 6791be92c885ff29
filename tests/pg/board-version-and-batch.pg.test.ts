/**
 * Two app processes over one PostgreSQL database (two handles, each with its own pools and caches, as two
 * server processes have): the public board's data version is read at most once a second per process, by one
 * read all concurrent requests share; a process sees its own write at once, the other within the second.
 * And batch approval on PostgreSQL: running balance_after, one audit row per award, a chain that verifies,
 * nothing written when one award is no longer pending.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PG_VERSION_READ_INTERVAL_MS } from '../../db/boards/dataVersion';
import { closeDb, openDb, openPgDb, pgBackendOf, type Db } from '../../db/client';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import { verifyDatabase } from '../../db/verify';
import { createApp } from '../../server/app';
import { batchApprovalFacts } from '../api/support/batchApproval';
import { makeClock, testConfig, type TestApp } from '../support/app';
import { call as callSqlite, login as loginSqlite, makeHousehold, makeWorld, PASSWORD } from '../support/factories';
import { sqlOf } from '../../db/sql';
import { freshDatabase, type FreshDatabase } from './support/database';

const dir = mkdtempSync(join(tmpdir(), 'jifen-board-version-'));
const clock = makeClock('2026-06-15T02:00:00.000Z');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** One app process over a database handle (its own pools and caches on PostgreSQL). */
interface PgApp {
  app: ReturnType<typeof createApp>;
  db: Db;
}
const appOver = (db: Db): PgApp => ({ app: createApp({ db, config: testConfig, now: () => clock.now }), db });

/** A JSON request to a PostgreSQL app: its status and parsed body. */
async function call(t: PgApp, method: string, path: string, opts: { cookie?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = opts.cookie ? { cookie: opts.cookie } : {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await t.app.request(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const body = (await res.json()) as { id?: number; items?: { points: number }[]; error?: { code: string } };
  return { status: res.status, body };
}

async function login(t: PgApp, username: string): Promise<string> {
  const res = await t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

let target: FreshDatabase;
let a: PgApp;
let b: PgApp;
let townshipId: number;
let householdId: number;
/** Awards proposed on the fixture, left pending: the board test's, the batch test's, the conflict test's. */
let boardAwards: number[];
let batchAwards: number[];
let conflictAwards: number[];

beforeAll(async () => {
  const file = join(dir, 'county.db');
  const builderDb = openDb({ file });
  const builder: TestApp = { app: createApp({ db: builderDb, config: testConfig, now: () => clock.now }), db: builderDb, clock, appDb: async () => builderDb, sql: sqlOf(builderDb) };
  const w = await makeWorld(builder);
  townshipId = w.areas.townA.id;
  householdId = w.household.id;
  const others = Array.from({ length: 4 }, (_, i) => makeHousehold(builderDb, w.areas.villageA.id, { headName: `批量${i}`, doorNo: `${i}号`, idNumber: null }));
  const cadre = await loginSqlite(builder, 'cadre');
  const propose = async (hid: number, quantity: number, day: string) => {
    const res = await callSqlite(builder, 'POST', '/api/awards', { cookie: cadre, body: { householdId: hid, ruleId: w.rule.id, quantity, occurredOn: day } });
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  boardAwards = [await propose(others[0]!.id, 20, '2026-06-01')];
  batchAwards = [];
  const days = ['2026-06-01', '2026-05-20', '2025-12-30', '2026-06-02', '2026-06-01', '2026-01-03'];
  for (const [i, day] of days.entries()) {
    batchAwards.push(await propose(householdId, i + 1, day));
    batchAwards.push(await propose(others[(i % 3) + 1]!.id, 1, day));
  }
  conflictAwards = [await propose(householdId, 2, '2026-06-03'), await propose(others[1]!.id, 1, '2026-06-03')];
  await closeDb(builderDb);
  target = await freshDatabase();
  await copySqliteToPg({ from: file, to: target.url });
  a = appOver(await openPgDb({ url: target.url, dataDir: join(dir, 'a'), poolSize: 4, migrate: false }));
  b = appOver(await openPgDb({ url: target.url, dataDir: join(dir, 'b'), poolSize: 4, migrate: false }));
}, 120_000);

afterAll(async () => {
  for (const t of [a, b]) if (t) await closeDb(t.db);
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const boardPath = () => `/api/public/areas/${townshipId}/leaderboard?period=2026`;
async function boardPoints(t: PgApp): Promise<number> {
  const res = await call(t, 'GET', boardPath());
  expect(res.status).toBe(200);
  return (res.body.items ?? []).reduce((s, i) => s + i.points, 0);
}

/** Counts the data_version reads a process makes on its (replica-or-primary) pool. */
function countVersionReads(t: PgApp) {
  const pool = pgBackendOf(t.db)!.pools.primary;
  const spy = vi.spyOn(pool, 'query');
  return {
    get reads() {
      return spy.mock.calls.filter(([text]) => typeof text === 'string' && text.includes('FROM data_version')).length;
    },
    restore: () => spy.mockRestore(),
  };
}

describe('the public board across two processes', () => {
  it('shows a process its own write at once and the other process within the read interval', async () => {
    const before = await boardPoints(a);
    expect(await boardPoints(b)).toBe(before);
    const reviewer = await login(a, 'reviewer');
    const approved = await call(a, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids: boardAwards } });
    expect(approved.status).toBe(200);
    const committed = Date.now();
    // The writer's own next request sees the new board, without waiting for any interval.
    expect(await boardPoints(a)).toBe(before + 100);
    let seen = await boardPoints(b);
    while (seen !== before + 100 && Date.now() - committed < 5_000) {
      await sleep(25);
      seen = await boardPoints(b);
    }
    expect(seen).toBe(before + 100);
    // Within the interval, plus the read's own round trip and a loaded machine's scheduling.
    expect(Date.now() - committed).toBeLessThan(PG_VERSION_READ_INTERVAL_MS + 750);
  });

  it('reads the version once per interval per process, one read shared by concurrent requests', async () => {
    const counter = countVersionReads(b);
    try {
      await sleep(PG_VERSION_READ_INTERVAL_MS + 50);
      const burst = async () => {
        const answers = await Promise.all(Array.from({ length: 40 }, () => call(b, 'GET', boardPath())));
        expect(answers.every((r) => r.status === 200)).toBe(true);
      };
      await burst();
      expect(counter.reads).toBe(1);
      await burst();
      expect(counter.reads).toBe(1);
      await sleep(PG_VERSION_READ_INTERVAL_MS + 50);
      await burst();
      expect(counter.reads).toBe(2);
    } finally {
      counter.restore();
    }
  });
});

describe('batch approval on PostgreSQL', () => {
  it('posts many awards of one household with a running balance_after, one audit row each, and a chain that verifies', async () => {
    const reviewer = await login(a, 'reviewer');
    const res = await call(a, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids: batchAwards } });
    expect(res.status).toBe(200);
    const facts = await batchApprovalFacts(a.db, householdId, batchAwards);
    expect(facts.balanceAfter).toEqual([5, 15, 30, 50, 75, 105]);
    expect(facts.balance).toBe(105);
    expect(facts.auditRows).toBe(batchAwards.length);
    expect(facts.postedWithEntry).toBe(batchAwards.length);
    expect(facts.scoreYear2026).toBe(90);
    expect((await verifyDatabase(a.db)).ok).toBe(true);
  });

  it('writes nothing when one award of the batch is no longer pending', async () => {
    const reviewer = await login(a, 'reviewer');
    expect((await call(a, 'POST', `/api/awards/${conflictAwards[1]}/reject`, { cookie: reviewer, body: { reason: '重复申报' } })).status).toBe(200);
    const before = await batchApprovalFacts(a.db, householdId, conflictAwards);
    const res = await call(a, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids: conflictAwards } });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('invalid_status');
    expect(await batchApprovalFacts(a.db, householdId, conflictAwards)).toEqual(before);
    expect((await verifyDatabase(a.db)).ok).toBe(true);
  });
});
