/**
 * The SIGKILL crash test's workload and checks, shared by tests/trust/crash.test.ts (SQLite: the file
 * recovers from its WAL) and tests/pg/crash.pg.test.ts (PostgreSQL keeps running while the app server
 * dies): clients propose, batch, approve and redeem until the server is killed at a seeded random moment;
 * afterwards everything the clients saw acknowledged must be there, nothing half-written, verify clean.
 */
import { expect } from 'vitest';
import type { Db } from '../../db/client';
import { sqlOf } from '../../db/sql';
import { formatVerdict, verifyDatabase } from '../../db/verify';
import { HttpClient, type TrustWorld } from './support';

export const WORKERS = 4;

/** Small seeded PRNG (mulberry32): the same seed replays the same kill schedule and workload choices. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

export type Prng = ReturnType<typeof prng>;

/** What the client saw acknowledged (2xx); each must survive every crash. */
export interface Acked {
  awards: Set<number>;
  batches: Map<number, number[]>;
  approved: Set<number>;
  redemptions: Map<number, { points: number; balanceAfter: number; householdId: number }>;
  pending: number[];
}

export const newAcked = (): Acked => ({ awards: new Set(), batches: new Map(), approved: new Set(), redemptions: new Map(), pending: [] });

export interface Unanswered {
  key: string;
  body: { code: string; items: { goodsId: number; quantity: number }[] };
}

/** One client loop: proposes, batches, approves and redeems until the server goes away. */
export async function drive(base: string, cookies: Record<string, string>, w: TrustWorld, rnd: Prng, acked: Acked, unanswered: Unanswered[], seq: { n: number }, keyPrefix: string) {
  const as = (who: string) => Object.assign(new HttpClient(base), { cookie: cookies[who] });
  const cadre = as('cadre');
  const reviewer = as('reviewer');
  const clerk = as('clerk');
  const hh = () => w.households[rnd.int(0, w.households.length - 1)];
  for (;;) {
    const op = rnd.next();
    if (op < 0.3) {
      const r = await cadre.request('POST', '/api/awards', { householdId: hh().id, ruleId: w.rule.id, quantity: rnd.int(1, 3), occurredOn: '2026-02-03' });
      if (r.status === 201) {
        acked.awards.add(r.body.id);
        acked.pending.push(r.body.id);
      }
    } else if (op < 0.45) {
      const n = rnd.int(2, w.households.length);
      const items = w.households.slice(0, n).map((h) => ({ householdId: h.id, quantity: 1 }));
      const r = await cadre.request('POST', '/api/awards/batch', { ruleId: w.rule.id, occurredOn: '2026-02-04', items });
      if (r.status === 201) {
        expect(r.body.ids).toHaveLength(n);
        acked.batches.set(r.body.ids[0], r.body.ids);
        for (const id of r.body.ids) acked.awards.add(id);
        acked.pending.push(...r.body.ids);
      }
    } else if (op < 0.55) {
      // Bulk approval is one transaction: all of these post, or none.
      const ids = acked.pending.splice(0, rnd.int(2, 30));
      if (!ids.length) continue;
      const r = await reviewer.request('POST', '/api/awards/approve', { ids });
      if (r.status === 200) for (const id of ids) acked.approved.add(id);
      else if (r.status !== 409) acked.pending.push(...ids);
    } else if (op < 0.7) {
      const id = acked.pending.shift();
      if (id === undefined) continue;
      const r = await reviewer.request('POST', `/api/awards/${id}/approve`);
      if (r.status === 200) acked.approved.add(id);
      else if (r.status !== 409) acked.pending.push(id);
    } else {
      const h = hh();
      const pass = await cadre.request('POST', `/api/households/${h.id}/assisted-pass`, { reason: '老人不会用手机' });
      if (pass.status !== 201) continue;
      seq.n += 1;
      const u: Unanswered = { key: `${keyPrefix}-${seq.n}`, body: { code: pass.body.code, items: [{ goodsId: w.goods.id, quantity: rnd.int(1, 2) }] } };
      unanswered.push(u);
      const r = await clerk.request('POST', '/api/redemptions', u.body, { 'idempotency-key': u.key });
      unanswered.splice(unanswered.indexOf(u), 1);
      if (r.status === 201) acked.redemptions.set(r.body.id, { points: r.body.points, balanceAfter: r.body.balanceAfter, householdId: h.id });
    }
  }
}

/**
 * With the server dead: verify is clean and every promise still holds. Returns the ids of the redemptions
 * present, so a retry of an unanswered one can be told apart (replayed if it had committed unseen).
 */
export async function checkAcked(db: Db, acked: Acked): Promise<Set<number>> {
  const verdict = await verifyDatabase(db);
  expect(verdict.ok, formatVerdict(verdict)).toBe(true);
  const q = sqlOf(db);
  const awardRows = new Map(
    (await q.all<{ id: number; status: string; batchId: number | null; entryId: number | null }>('SELECT id, status, batch_id AS "batchId", ledger_entry_id AS "entryId" FROM awards')).map((r) => [r.id, r]),
  );
  for (const id of acked.awards) expect(awardRows.has(id), `acknowledged award ${id} is missing`).toBe(true);
  for (const id of acked.approved) {
    const a = awardRows.get(id)!;
    expect(a.status, `acknowledged approval of award ${id}`).toBe('posted');
    expect(a.entryId).not.toBeNull();
  }
  for (const ids of acked.batches.values()) {
    const batchIds = new Set(ids.map((id) => awardRows.get(id)!.batchId));
    expect(batchIds.size).toBe(1);
  }
  // No batch is half-applied: every batch row has exactly its count of awards.
  const half = await q.all('SELECT b.id, b.count, COUNT(a.id) AS n FROM award_batches b LEFT JOIN awards a ON a.batch_id = b.id GROUP BY b.id, b.count HAVING COUNT(a.id) <> b.count');
  expect(half).toEqual([]);
  const redemptions = new Map(
    (await q.all<{ id: number; householdId: number; points: number; balanceAfter: number }>('SELECT id, household_id AS "householdId", points, balance_after AS "balanceAfter" FROM redemptions')).map((r) => [r.id, r]),
  );
  for (const [id, r] of acked.redemptions) expect(redemptions.get(id), `acknowledged redemption ${id}`).toEqual({ id, ...r });
  return new Set(redemptions.keys());
}

/** A running app server the loop can kill hard and replace. */
export interface Killable {
  base: string;
  /** SIGKILL, resolved once it is gone. */
  kill(): Promise<void>;
}

export interface CrashLoop {
  kills: number;
  seed: number;
  /** How long the load runs before each kill, drawn from [lo, hi] ms (default 30–700). */
  windowMs?: [number, number];
  world: TrustWorld;
  start(): Promise<Killable>;
  /** Checks the database with no server running (checkAcked on a connection the caller opens and closes). */
  check(acked: Acked): Promise<Set<number>>;
}

export interface CrashStats {
  acked: Acked;
  retried: number;
  /** Per kill: milliseconds for the checks with the server dead, and for the restarted server to answer. */
  checkMs: number[];
  restartMs: number[];
}

/** Kills the server `kills` times at seeded random moments under load, checking and restarting after each. */
export async function crashLoop({ kills, seed, windowMs = [30, 700], world, start, check }: CrashLoop): Promise<CrashStats> {
  const rnd = prng(seed);
  const acked = newAcked();
  const seqNo = { n: 0 };
  const checkMs: number[] = [];
  const restartMs: number[] = [];
  let server = await start();
  const cookies: Record<string, string> = {};
  // Sessions are rows in the database, so these cookies outlive every restart.
  for (const who of ['cadre', 'reviewer', 'clerk']) cookies[who] = (await new HttpClient(server.base).login(who)).cookie;

  let retried = 0;
  for (let kill = 0; kill < kills; kill += 1) {
    const unanswered: Unanswered[] = [];
    const workers = Array.from({ length: WORKERS }, () => drive(server.base, cookies, world, rnd, acked, unanswered, seqNo, `crash-${seed}`).catch(() => undefined));
    await new Promise((r) => setTimeout(r, rnd.int(windowMs[0], windowMs[1])));
    await server.kill();
    await Promise.all(workers);
    let t = Date.now();
    const present = await check(acked);
    checkMs.push(Date.now() - t);
    t = Date.now();
    server = await start();
    restartMs.push(Date.now() - t);
    // A retried redemption whose first attempt committed unseen replays it; it never charges twice.
    const clerk = Object.assign(new HttpClient(server.base), { cookie: cookies.clerk });
    for (const u of unanswered) {
      const r = await clerk.request('POST', '/api/redemptions', u.body, { 'idempotency-key': u.key });
      expect([201, 410]).toContain(r.status);
      if (r.status === 201) {
        expect(present.has(r.body.id)).toBe(r.headers.get('idempotent-replayed') === 'true');
        acked.redemptions.set(r.body.id, { points: r.body.points, balanceAfter: r.body.balanceAfter, householdId: r.body.householdId });
        retried += 1;
      }
    }
  }
  await server.kill();
  await check(acked);
  // The workload really ran: plenty of acknowledged writes of every kind.
  expect(acked.awards.size).toBeGreaterThan(kills);
  expect(acked.redemptions.size).toBeGreaterThan(0);
  expect(acked.approved.size).toBeGreaterThan(0);
  return { acked, retried, checkMs, restartMs };
}
