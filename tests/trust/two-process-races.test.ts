import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openDb, type Db } from '../../db/client';
import { verifyDatabase } from '../../db/verify';
import { appendLedgerEntry } from '../../db/ledger';
import { grantPoints, makeGoods, makeRule, writeNow } from '../support/factories';
import { startServer, type ServerProcess } from '../support/server-process';
import { HttpClient, seedTrustWorld, type Reply } from './support';

/**
 * Two server processes on one database file: each has its own write connection and its own async mutex,
 * so only SQLite's write lock (BEGIN IMMEDIATE, busy_timeout) and the village chain lock taken through the
 * stores keep them apart. Both redeem, propose and approve awards, reverse entries and run expiry in the
 * same village at once.
 */
const HOUSEHOLDS = 6;
const STOCK = 8;
const CAP = 2;
const OLD_POINTS = 100;
const FRESH_POINTS = 30;

let dir: string;
let file: string;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-two-proc-'));
  file = join(dir, 'j.db');
}, 60_000);

afterAll(async () => {
  // Stop every server even when one stop fails, then report the failure.
  const stops = await Promise.allSettled(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
  for (const s of stops) if (s.status === 'rejected') throw s.reason;
}, 60_000);

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

interface Seeded {
  villageId: number;
  households: number[];
  goodsId: number;
  capRuleId: number;
  oldEntries: number[];
}

async function seed(db: Db): Promise<Seeded> {
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
  return { villageId, households, goodsId: item.id, capRuleId: capRule.id, oldEntries };
}

describe('two server processes on one database file', () => {
  it('redeem, award, reverse and expire in one village from both at once: one chain, balances from entries, stock and caps held, each redemption charged once', async () => {
    const db = openDb({ file });
    const s = await seed(db);
    closeDb(db);

    const env = { JIFEN_DB: file, JIFEN_SCRYPT_N: '1024' };
    // Both start together; one that started is stopped in afterAll even if the other failed to.
    const started = await Promise.allSettled([startServer({ env }), startServer({ env })]);
    for (const r of started) if (r.status === 'fulfilled') servers.push(r.value);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    const [a, b] = servers;
    const login = async (username: string) => [await new HttpClient(a.base).login(username), await new HttpClient(b.base).login(username)] as const;
    const [cadreA, cadreB] = await login('cadre');
    const [reviewerA, reviewerB] = await login('reviewer');
    const [clerkA, clerkB] = await login('clerk');
    const [adminA, adminB] = await login('admin');
    const pair = [
      { cadre: cadreA, reviewer: reviewerB, clerk: clerkA, admin: adminA },
      { cadre: cadreB, reviewer: reviewerA, clerk: clerkB, admin: adminB },
    ];

    // Two one-time codes per household, issued on either server.
    const codes: { householdId: number; code: string }[] = [];
    for (const h of s.households) {
      for (const c of [cadreA, cadreB]) {
        const r = await c.request('POST', `/api/households/${h}/assisted-pass`, { reason: '老人不会用手机' });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        codes.push({ householdId: h, code: r.body.code });
      }
    }

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
    const again = await adminA.request('POST', '/api/ledger/expire', undefined, { 'idempotency-key': 'two-proc-expire-final' });
    expect(again.status).toBe(200);
    expect(again.body.points).toBe(0);

    await Promise.all([a.stop(), b.stop()]);
    servers.length = 0;

    const after = openDb({ file });
    try {
      const c = after.$client;
      expect(verifyDatabase(after)).toMatchObject({ ok: true });
      // One chain for the village, every entry in it once, in seq order without gaps.
      const chain = c.prepare(`SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi, COUNT(DISTINCT seq) AS d FROM ledger_entries WHERE village_id = ?`).get(s.villageId) as { n: number; lo: number; hi: number; d: number };
      expect(chain).toEqual({ n: chain.n, lo: 1, hi: chain.n, d: chain.n });
      const head = c.prepare(`SELECT last_seq AS lastSeq FROM ledger_chains WHERE village_id = ?`).get(s.villageId) as { lastSeq: number };
      expect(head.lastSeq).toBe(chain.n);

      // Balances are the sum of their entries, never below zero.
      const balances = c
        .prepare(`SELECT h.id, h.balance, COALESCE((SELECT SUM(points) FROM ledger_entries l WHERE l.household_id = h.id), 0) AS total FROM households h WHERE h.village_id = ?`)
        .all(s.villageId) as { id: number; balance: number; total: number }[];
      for (const h of balances) {
        expect(h.balance).toBe(h.total);
        expect(h.balance).toBeGreaterThanOrEqual(0);
      }

      // Stock never below zero, and down by exactly what was redeemed; each redemption charged once.
      const stock = (c.prepare(`SELECT stock FROM goods WHERE id = ?`).get(s.goodsId) as { stock: number }).stock;
      expect(stock).toBeGreaterThanOrEqual(0);
      expect(stock).toBe(STOCK - okRedemptions.length);
      const charges = c.prepare(`SELECT r.id, (SELECT COUNT(*) FROM ledger_entries l WHERE l.redemption_id = r.id AND l.kind = 'redemption') AS n FROM redemptions r`).all() as { id: number; n: number }[];
      expect(charges).toHaveLength(okRedemptions.length);
      for (const r of charges) expect(r.n).toBe(1);

      // Monthly caps held across both processes; every posted award has exactly one entry.
      const used = c
        .prepare(`SELECT household_id AS h, SUM(quantity) AS q FROM awards WHERE rule_id = ? AND status != 'rejected' GROUP BY household_id`)
        .all(s.capRuleId) as { h: number; q: number }[];
      for (const u of used) expect(u.q).toBeLessThanOrEqual(CAP);
      const posted = c.prepare(`SELECT a.id, (SELECT COUNT(*) FROM ledger_entries l WHERE l.award_id = a.id) AS n FROM awards a WHERE a.rule_id = ? AND a.status = 'posted'`).all(s.capRuleId) as { id: number; n: number }[];
      expect(posted).toHaveLength(postedAwards);
      for (const p of posted) expect(p.n).toBe(1);

      // Each old entry reversed at most once, as the answers said.
      const reversals = c.prepare(`SELECT reverses_id AS id, COUNT(*) AS n FROM ledger_entries WHERE reverses_id IS NOT NULL GROUP BY reverses_id`).all() as { id: number; n: number }[];
      for (const r of reversals) expect(r.n).toBe(1);
      expect(reversals.length).toBe(reversed.filter((r) => r.status === 201).length);
    } finally {
      closeDb(after);
    }
  }, 240_000);
});
