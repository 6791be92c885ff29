/**
 * The two-process race of tests/trust/two-process-races.test.ts, shared with its PostgreSQL twin
 * (tests/pg/two-process-races.pg.test.ts): two server processes on one database, each with its own
 * connections, both redeeming, proposing and approving capped awards, reversing and running expiry in one
 * village at once. The world is seeded on SQLite (the factories write SQLite); the checks afterwards go
 * through the neutral SQL handle, so the same invariants are asked of both engines.
 */
import { expect } from 'vitest';
import type { Db, SqliteDb } from '../../db/client';
import { appendLedgerEntry } from '../../db/ledger';
import { sqlOf } from '../../db/sql';
import { verifyDatabase } from '../../db/verify';
import { grantPoints, makeGoods, makeRule, writeNow } from '../support/factories';
import { startServer, type ServerProcess } from '../support/server-process';
import { HttpClient, seedTrustWorld, type Reply } from './support';

export const HOUSEHOLDS = 6;
export const STOCK = 8;
export const CAP = 2;
const OLD_POINTS = 100;
// Enough that each household can still pay for both its codes whichever comes first: the servers' own
// scheduler may expire the old points a second after start-up, before the race reverses them (a reversal
// then takes what is left, 积分扣完为止), or the race's reversal comes first and nothing expires.
const FRESH_POINTS = 130;

export const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export interface TwoProcessWorld {
  countyId: number;
  villageId: number;
  households: number[];
  goodsId: number;
  capRuleId: number;
  oldEntries: number[];
}

/** Seeds the village on a SQLite database (the caller closes it, and may copy it to PostgreSQL). */
export async function seedTwoProcessWorld(db: SqliteDb): Promise<TwoProcessWorld> {
  const w = await seedTrustWorld(db, { households: HOUSEHOLDS, stock: 0 });
  const villageId = w.areas.villageA.id;
  // Points credited long ago expire under a one-month rule; points posted during the race do not.
  db.$client.prepare(`UPDATE areas SET expiry_mode = 'months', expiry_months = 1 WHERE id = ?`).run(villageId);
  const item = makeGoods(db, villageId, { name: '洗衣粉', price: 10, stock: STOCK });
  const capRule = makeRule(db, w.areas.county.id, { name: '孝老爱亲', category: 'family_virtue', points: 10, monthlyCap: CAP });
  const households = w.households.slice(0, HOUSEHOLDS).map((h) => h.id);
  const oldEntries = households.map((h) => grantPoints(db, h, villageId, OLD_POINTS, '2025-01-05').id);
  const now = Date.now();
  for (const h of households) {
    writeNow(db, () => appendLedgerEntry(db, { householdId: h, villageId, kind: 'adjustment', points: FRESH_POINTS, conductPoints: 0, occurredOn: today(), note: '补发', createdAt: now }));
  }
  return { countyId: w.areas.county.id, villageId, households, goodsId: item.id, capRuleId: capRule.id, oldEntries };
}

/**
 * Starts two servers on the same database together and pushes each one that started onto `servers` (the
 * caller stops them in afterAll, even when the other failed to start).
 */
export async function startServerPair(env: Record<string, string>, servers: ServerProcess[]): Promise<[ServerProcess, ServerProcess]> {
  const started = await Promise.allSettled([startServer({ env }), startServer({ env })]);
  for (const r of started) if (r.status === 'fulfilled') servers.push(r.value);
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  return [servers[servers.length - 2], servers[servers.length - 1]];
}

/** One signed-in client per role on each server; the same accounts, so idempotency keys and caps are shared. */
export interface Side {
  cadre: HttpClient;
  reviewer: HttpClient;
  clerk: HttpClient;
  admin: HttpClient;
}

/** Side 0 proposes on A and approves on B; side 1 the other way round. */
export async function signInBoth(a: ServerProcess, b: ServerProcess): Promise<[Side, Side]> {
  const login = async (username: string) => [await new HttpClient(a.base).login(username), await new HttpClient(b.base).login(username)] as const;
  const [cadreA, cadreB] = await login('cadre');
  const [reviewerA, reviewerB] = await login('reviewer');
  const [clerkA, clerkB] = await login('clerk');
  const [adminA, adminB] = await login('admin');
  return [
    { cadre: cadreA, reviewer: reviewerB, clerk: clerkA, admin: adminA },
    { cadre: cadreB, reviewer: reviewerA, clerk: clerkB, admin: adminB },
  ];
}

/** What the race answered, for the checks on the database afterwards. */
export interface TwoProcessOutcome {
  redemptionsOk: number;
  postedAwards: number;
  reversalsOk: number;
  ms: number;
}

/** The race itself, and every check on its HTTP answers. */
export async function raceTwoProcesses(pair: [Side, Side], s: TwoProcessWorld): Promise<TwoProcessOutcome> {
  const [cadreA, cadreB] = [pair[0].cadre, pair[1].cadre];
  // Two one-time codes per household, issued on either server.
  const codes: { householdId: number; code: string }[] = [];
  for (const h of s.households) {
    for (const c of [cadreA, cadreB]) {
      const r = await c.request('POST', `/api/households/${h}/assisted-pass`, { reason: '老人不会用手机' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      codes.push({ householdId: h, code: r.body.code });
    }
  }

  const started = Date.now();
  const redemptions: Promise<Reply>[] = [];
  const proposals: Promise<{ proposed: Reply; approved: Reply | null }>[] = [];
  const reversals: Promise<Reply>[] = [];
  const expiries: Promise<Reply>[] = [];
  for (const [i, { code }] of codes.entries()) {
    // Every code is presented at both counters at once, with different idempotency keys: a real double spend.
    for (const [side, p] of pair.entries()) {
      redemptions.push(p.clerk.request('POST', '/api/redemptions', { code, items: [{ goodsId: s.goodsId, quantity: 1 }] }, { 'idempotency-key': `two-proc-${i}-${side}-redeem` }));
    }
  }
  for (const h of s.households) {
    for (const [side, p] of pair.entries()) {
      for (let k = 0; k < CAP; k++) {
        // Proposed on one server, approved on the other: with a notice period of 0 days it posts at once.
        proposals.push(
          (async () => {
            const proposed = await p.cadre.request('POST', '/api/awards', { householdId: h, ruleId: s.capRuleId, quantity: 1, occurredOn: today() }, { 'idempotency-key': `two-proc-award-${h}-${side}-${k}` });
            if (proposed.status !== 201) return { proposed, approved: null };
            const approved = await p.reviewer.request('POST', `/api/awards/${proposed.body.id}/approve`, {}, { 'idempotency-key': `two-proc-approve-${h}-${side}-${k}` });
            return { proposed, approved };
          })(),
        );
      }
    }
  }
  for (const [i, entryId] of s.oldEntries.entries()) {
    for (const [side, p] of pair.entries()) {
      reversals.push(p.admin.request('POST', `/api/ledger/${entryId}/reverse`, { reason: '重复录入' }, { 'idempotency-key': `two-proc-reverse-${i}-${side}` }));
    }
  }
  for (let k = 0; k < 3; k++) {
    for (const [side, p] of pair.entries()) expiries.push(p.admin.request('POST', '/api/ledger/expire', undefined, { 'idempotency-key': `two-proc-expire-${k}-${side}` }));
  }
  const [redeemed, awarded, reversed, expired] = await Promise.all([Promise.all(redemptions), Promise.all(proposals), Promise.all(reversals), Promise.all(expiries)]);
  const ms = Date.now() - started;

  // Nothing failed for a reason other than a business rule; no 500, no busy database.
  for (const r of redeemed) expect([201, 409, 422], JSON.stringify(r.body)).toContain(r.status);
  for (const r of reversed) expect([201, 409, 422], JSON.stringify(r.body)).toContain(r.status);
  for (const r of expired) expect(r.status, JSON.stringify(r.body)).toBe(200);
  for (const { proposed, approved } of awarded) {
    expect([201, 422], JSON.stringify(proposed.body)).toContain(proposed.status);
    if (approved) expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  }

  // A code presented at both counters is spent at most once.
  const okRedemptions = redeemed.filter((r) => r.status === 201);
  const perCode = new Map<string, number>();
  for (const [i, r] of redeemed.entries()) if (r.status === 201) perCode.set(codes[Math.floor(i / 2)].code, (perCode.get(codes[Math.floor(i / 2)].code) ?? 0) + 1);
  for (const n of perCode.values()) expect(n).toBe(1);
  // Every household can pay for both its codes, so the stock is what runs out: exactly STOCK succeed.
  expect(okRedemptions.length).toBe(STOCK);
  // Each old entry is reversed at most once.
  for (let i = 0; i < s.oldEntries.length; i++) expect(reversed.slice(2 * i, 2 * i + 2).filter((r) => r.status === 201).length).toBeLessThanOrEqual(1);
  const postedAwards = awarded.filter((x) => x.approved?.status === 200).length;
  // Four proposals per household against a cap of two: exactly two post for each, the rest are refused.
  expect(postedAwards).toBe(HOUSEHOLDS * CAP);

  // Once the parallel work is done, one more expiry run finds nothing left to expire.
  const again = await pair[0].admin.request('POST', '/api/ledger/expire', undefined, { 'idempotency-key': 'two-proc-expire-final' });
  expect(again.status).toBe(200);
  expect(again.body.points).toBe(0);
  return { redemptionsOk: okRedemptions.length, postedAwards, reversalsOk: reversed.filter((r) => r.status === 201).length, ms };
}

/** The database after both servers stopped: verify clean, and the race's promises kept row by row. */
export async function checkTwoProcessInvariants(db: Db, s: TwoProcessWorld, outcome: TwoProcessOutcome): Promise<void> {
  const q = sqlOf(db);
  expect(await verifyDatabase(db)).toMatchObject({ ok: true });
  // One chain for the village, every entry in it once, in seq order without gaps.
  const chain = await q.get<{ n: number; lo: number; hi: number; d: number }>(`SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi, COUNT(DISTINCT seq) AS d FROM ledger_entries WHERE village_id = ?`, [s.villageId]);
  expect(chain).toEqual({ n: chain!.n, lo: 1, hi: chain!.n, d: chain!.n });
  const head = await q.get<{ lastSeq: number }>(`SELECT last_seq AS "lastSeq" FROM ledger_chains WHERE village_id = ?`, [s.villageId]);
  expect(head?.lastSeq).toBe(chain!.n);

  // Balances are the sum of their entries, never below zero.
  const balances = await q.all<{ id: number; balance: number; total: number }>(
    `SELECT h.id, h.balance, COALESCE((SELECT SUM(points) FROM ledger_entries l WHERE l.household_id = h.id), 0) AS total FROM households h WHERE h.village_id = ?`,
    [s.villageId],
  );
  expect(balances.length).toBeGreaterThanOrEqual(HOUSEHOLDS);
  for (const h of balances) {
    expect(h.balance).toBe(h.total);
    expect(h.balance).toBeGreaterThanOrEqual(0);
  }

  // Stock never below zero, and down by exactly what was redeemed; each redemption charged once.
  const stock = (await q.get<{ stock: number }>(`SELECT stock FROM goods WHERE id = ?`, [s.goodsId]))!.stock;
  expect(stock).toBeGreaterThanOrEqual(0);
  expect(stock).toBe(STOCK - outcome.redemptionsOk);
  const charges = await q.all<{ id: number; n: number }>(`SELECT r.id, (SELECT COUNT(*) FROM ledger_entries l WHERE l.redemption_id = r.id AND l.kind = 'redemption') AS n FROM redemptions r`);
  expect(charges).toHaveLength(outcome.redemptionsOk);
  for (const r of charges) expect(r.n).toBe(1);

  // Monthly caps held across both processes; every posted award has exactly one entry.
  const used = await q.all<{ h: number; q: number }>(`SELECT household_id AS h, SUM(quantity) AS q FROM awards WHERE rule_id = ? AND status <> 'rejected' GROUP BY household_id`, [s.capRuleId]);
  expect(used.length).toBe(HOUSEHOLDS);
  for (const u of used) expect(u.q).toBeLessThanOrEqual(CAP);
  const posted = await q.all<{ id: number; n: number }>(`SELECT a.id, (SELECT COUNT(*) FROM ledger_entries l WHERE l.award_id = a.id) AS n FROM awards a WHERE a.rule_id = ? AND a.status = 'posted'`, [s.capRuleId]);
  expect(posted).toHaveLength(outcome.postedAwards);
  for (const p of posted) expect(p.n).toBe(1);

  // Each old entry reversed at most once, as the answers said.
  const reversals = await q.all<{ id: number; n: number }>(`SELECT reverses_id AS id, COUNT(*) AS n FROM ledger_entries WHERE reverses_id IS NOT NULL GROUP BY reverses_id`);
  for (const r of reversals) expect(r.n).toBe(1);
  expect(reversals.length).toBe(outcome.reversalsOk);
}
