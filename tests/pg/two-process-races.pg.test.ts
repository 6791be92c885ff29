/**
 * Two server processes on one PostgreSQL database (pool of 8 each): the race of
 * tests/trust/two-process-races.test.ts (shared scenario), then 20 requests with one Idempotency-Key and
 * 20 presentations of one pass code, split across both processes. Nothing but PostgreSQL's row locks
 * (village chain, goods) and its unique keys keeps the two apart. The village is seeded on SQLite with the
 * factories and moved by db:copy, as a real county is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openDb, openPgDb, type Db } from '../../db/client';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import { sqlOf } from '../../db/sql';
import { verifyDatabase } from '../../db/verify';
import { makeGoods, makeRule } from '../support/factories';
import type { ServerProcess } from '../support/server-process';
import type { Reply } from '../trust/support';
import { checkTwoProcessInvariants, raceTwoProcesses, seedTwoProcessWorld, signInBoth, startServerPair, today, type Side, type TwoProcessWorld } from '../trust/two-process-scenario';
import { freshDatabase, type FreshDatabase } from './support/database';

const WAYS = 20;

let dir: string;
let target: FreshDatabase;
let pgDb: Db | undefined;
const servers: ServerProcess[] = [];
let world: TwoProcessWorld;
let rice: number;
let plainRule: number;
let pair: [Side, Side];
const timings: string[] = [];

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const t = Date.now();
  const out = await run();
  timings.push(`${label} ${Date.now() - t} ms`);
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-pg-two-proc-'));
  target = await freshDatabase();
  const file = join(dir, 'county.db');
  const db = openDb({ file });
  world = await seedTwoProcessWorld(db);
  // For the 20-way races, after the scenario has spent the scarce goods and the capped rule.
  rice = makeGoods(db, world.villageId, { name: '大米', price: 1, stock: 1000 }).id;
  plainRule = makeRule(db, world.countyId, { name: '清扫村道', category: 'public_welfare', points: 2 }).id;
  await closeDb(db);
  await timed('copy to PostgreSQL', () => copySqliteToPg({ from: file, to: target.url }));
  const env = { JIFEN_DATABASE_URL: target.url, JIFEN_DATABASE_POOL: '8', JIFEN_DB: join(dir, 'x.db'), JIFEN_SCRYPT_N: '1024' };
  const [a, b] = await timed('two servers started', () => startServerPair(env, servers));
  pair = await signInBoth(a, b);
  pgDb = await openPgDb({ url: target.url, dataDir: join(dir, 'checks'), migrate: false, poolSize: 4 });
}, 180_000);

afterAll(async () => {
  // Stop every server and close every pool even when one step fails, then report the failure.
  const stops = await Promise.allSettled([...servers.map((s) => s.stop()), ...(pgDb ? [closeDb(pgDb)] : [])]);
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
  console.log(`[pg two-process] ${timings.join('; ')}`);
  for (const s of stops) if (s.status === 'rejected') throw s.reason;
}, 60_000);

/** Half the requests to each server, all in flight at once. */
function split(send: (side: Side, i: number) => Promise<Reply>): Promise<Reply[]> {
  return Promise.all(Array.from({ length: WAYS }, (_, i) => send(pair[i % 2], i)));
}

async function passFor(householdId: number): Promise<string> {
  const r = await pair[0].cadre.request('POST', `/api/households/${householdId}/assisted-pass`, { reason: '老人不会用手机' });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.code as string;
}

describe('two server processes on one PostgreSQL database', () => {
  it('redeem, award, reverse and expire in one village from both at once: one chain, balances from entries, stock and caps held, each redemption charged once, verify clean', async () => {
    const outcome = await raceTwoProcesses(pair, world);
    timings.push(`scenario race ${outcome.ms} ms (${outcome.redemptionsOk} redemptions, ${outcome.postedAwards} awards posted, ${outcome.reversalsOk} reversals)`);
    await timed('invariants and verify', () => checkTwoProcessInvariants(pgDb!, world, outcome));
  }, 240_000);

  it(`${WAYS} redemptions with one Idempotency-Key across both processes charge once and all answer the same redemption`, async () => {
    const q = sqlOf(pgDb!);
    const household = world.households[0];
    const before = (await q.get<{ stock: number }>('SELECT stock FROM goods WHERE id = ?', [rice]))!.stock;
    const balanceBefore = (await q.get<{ balance: number }>('SELECT balance FROM households WHERE id = ?', [household]))!.balance;
    const body = { code: await passFor(household), items: [{ goodsId: rice, quantity: 3 }] };
    const replies = await timed(`${WAYS}-way same-key redemption`, () => split((side) => side.clerk.request('POST', '/api/redemptions', body, { 'idempotency-key': 'pg-two-proc-same-key-redeem' })));

    for (const r of replies) expect(r.status, JSON.stringify(r.body)).toBe(201);
    const ids = new Set(replies.map((r) => r.body.id as number));
    expect(ids.size).toBe(1);
    expect(replies.filter((r) => r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    const [id] = ids;
    expect(replies.every((r) => r.body.balanceAfter === balanceBefore - 3)).toBe(true);

    const rows = await q.all<{ id: number }>('SELECT id FROM redemptions WHERE household_id = ? AND id >= ?', [household, id]);
    expect(rows).toEqual([{ id }]);
    const charged = await q.get<{ n: number; points: number }>(`SELECT COUNT(*) AS n, COALESCE(SUM(points), 0) AS points FROM ledger_entries WHERE redemption_id = ? AND kind = 'redemption'`, [id]);
    expect(charged).toEqual({ n: 1, points: -3 });
    expect((await q.get<{ stock: number }>('SELECT stock FROM goods WHERE id = ?', [rice]))!.stock).toBe(before - 3);
    expect((await q.get<{ balance: number }>('SELECT balance FROM households WHERE id = ?', [household]))!.balance).toBe(balanceBefore - 3);
    // The same key with other goods is refused by either process and charges nothing.
    for (const side of pair) {
      const other = await side.clerk.request('POST', '/api/redemptions', { ...body, items: [{ goodsId: rice, quantity: 4 }] }, { 'idempotency-key': 'pg-two-proc-same-key-redeem' });
      expect(other.status, JSON.stringify(other.body)).toBe(422);
      expect(other.body.error.code).toBe('idempotency_mismatch');
    }
    expect((await q.get<{ stock: number }>('SELECT stock FROM goods WHERE id = ?', [rice]))!.stock).toBe(before - 3);
  }, 120_000);

  it(`${WAYS} award proposals with one Idempotency-Key across both processes create one award; every other answer replays it or says it is in progress`, async () => {
    const q = sqlOf(pgDb!);
    const household = world.households[1];
    const body = { householdId: household, ruleId: plainRule, quantity: 1, occurredOn: today(), note: '同一次申报' };
    const replies = await timed(`${WAYS}-way same-key award proposal`, () => split((side) => side.cadre.request('POST', '/api/awards', body, { 'idempotency-key': 'pg-two-proc-same-key-award' })));

    for (const r of replies) {
      expect([201, 409], JSON.stringify(r.body)).toContain(r.status);
      if (r.status === 409) expect(r.body.error.code).toBe('idempotency_in_progress');
    }
    const created = replies.filter((r) => r.status === 201);
    expect(created.filter((r) => r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    expect(new Set(created.map((r) => r.body.id as number)).size).toBe(1);
    const awards = await q.all<{ id: number }>('SELECT id FROM awards WHERE household_id = ? AND rule_id = ?', [household, plainRule]);
    expect(awards).toEqual([{ id: created[0].body.id }]);
    // The same key with another body is refused, from either process.
    for (const side of pair) {
      const other = await side.cadre.request('POST', '/api/awards', { ...body, quantity: 2 }, { 'idempotency-key': 'pg-two-proc-same-key-award' });
      expect(other.status, JSON.stringify(other.body)).toBe(422);
      expect(other.body.error.code).toBe('idempotency_mismatch');
    }
    expect(await q.all('SELECT id FROM awards WHERE household_id = ? AND rule_id = ?', [household, plainRule])).toHaveLength(1);
  }, 120_000);

  it(`one pass code presented ${WAYS} times across both processes (each with its own key) is spent once; the rest are told it was used`, async () => {
    const q = sqlOf(pgDb!);
    const household = world.households[2];
    const before = (await q.get<{ stock: number }>('SELECT stock FROM goods WHERE id = ?', [rice]))!.stock;
    const code = await passFor(household);
    const replies = await timed(`${WAYS}-way same pass code`, () =>
      split((side, i) => side.clerk.request('POST', '/api/redemptions', { code, items: [{ goodsId: rice, quantity: 1 }] }, { 'idempotency-key': `pg-two-proc-same-code-${i}` })),
    );

    const ok = replies.filter((r) => r.status === 201);
    expect(ok).toHaveLength(1);
    for (const r of replies.filter((x) => x.status !== 201)) {
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.error.code).toBe('code_used');
    }
    const id = ok[0].body.id as number;
    expect(await q.all('SELECT id FROM redemptions WHERE household_id = ? AND id >= ?', [household, id])).toEqual([{ id }]);
    expect((await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ledger_entries WHERE redemption_id = ?`, [id]))!.n).toBe(1);
    expect((await q.get<{ stock: number }>('SELECT stock FROM goods WHERE id = ?', [rice]))!.stock).toBe(before - 1);
  }, 120_000);

  it('after every race the database verifies clean and every balance is the sum of its entries', async () => {
    const q = sqlOf(pgDb!);
    expect(await verifyDatabase(pgDb!)).toMatchObject({ ok: true });
    const off = await q.all(`SELECT h.id FROM households h WHERE h.balance <> COALESCE((SELECT SUM(points) FROM ledger_entries l WHERE l.household_id = h.id), 0) OR h.balance < 0`);
    expect(off).toEqual([]);
    const stock = await q.all(`SELECT g.id FROM goods g WHERE g.stock < 0 OR g.stock <> COALESCE((SELECT SUM(quantity) FROM stock_movements m WHERE m.goods_id = g.id), 0)`);
    expect(stock).toEqual([]);
  }, 120_000);
});
