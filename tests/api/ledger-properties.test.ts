import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerHash, yearlyPseudonym } from '../../db/ledger';
import { periodsOfDay } from '../../db/time';
import type { LedgerKind } from '../../db/schema/ledger';
import { makeTestApp, type TestApp } from '../support/app';
import { call, login, makeHousehold, makeRule, makeWorld } from '../support/factories';

type Op =
  | { kind: 'propose'; household: number; rule: number; quantity: number; day: number }
  | { kind: 'approve'; pick: number }
  | { kind: 'reverse'; pick: number }
  | { kind: 'redeem'; household: number; goods: number; quantity: number }
  | { kind: 'stock'; goods: number; quantity: number; loss: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('propose' as const), household: fc.nat(2), rule: fc.nat(2), quantity: fc.integer({ min: 1, max: 5 }), day: fc.integer({ min: 1, max: 14 }) }),
  fc.record({ kind: fc.constant('approve' as const), pick: fc.nat(50) }),
  fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat(50) }),
  fc.record({ kind: fc.constant('redeem' as const), household: fc.nat(2), goods: fc.nat(1), quantity: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('stock' as const), goods: fc.nat(1), quantity: fc.integer({ min: 1, max: 6 }), loss: fc.boolean() }),
);

/** Every invariant the ledger promises, checked straight from the tables (the app's database, on either engine). */
export async function checkInvariants(t: TestApp) {
  const q = <T>(text: string) => t.sql.all<T>(text);
  const entries = await q<{ id: number; householdId: number; villageId: number; kind: LedgerKind; points: number; balanceAfter: number; conductPoints: number; occurredOn: string; ruleId: number | null; awardId: number | null; redemptionId: number | null; reversesId: number | null; category: string | null; note: string | null; createdBy: number | null; createdAt: number; prevHash: string; hash: string; chainId: number | null; seq: number | null; hashVersion: number; salt: string | null; rulePublic: number | boolean; seed: string; reversesSeq: number | null }>(
    `SELECT id, household_id AS "householdId", village_id AS "villageId", kind, points, balance_after AS "balanceAfter", conduct_points AS "conductPoints", occurred_on AS "occurredOn", rule_id AS "ruleId", award_id AS "awardId", redemption_id AS "redemptionId", reverses_id AS "reversesId", category, note, created_by AS "createdBy", created_at AS "createdAt", prev_hash AS "prevHash", hash, chain_id AS "chainId", seq, hash_version AS "hashVersion", salt, rule_public AS "rulePublic", (SELECT pseudonym_seed FROM households h WHERE h.id = e.household_id) AS seed, (SELECT o.seq FROM ledger_entries o WHERE o.id = e.reverses_id AND o.chain_id = e.chain_id) AS "reversesSeq" FROM ledger_entries e ORDER BY id`,
  );
  const running = new Map<number, number>();
  const scores = new Map<string, number>();
  // One chain per village: each entry links to the one before it in its village.
  const prev = new Map<number | null, string>();
  for (const e of entries) {
    const balance = (running.get(e.householdId) ?? 0) + e.points;
    expect(e.balanceAfter).toBe(balance);
    expect(balance).toBeGreaterThanOrEqual(0);
    running.set(e.householdId, balance);
    expect(e.prevHash).toBe(prev.get(e.chainId) ?? '0'.repeat(64));
    expect(ledgerHash({ ...e, rulePublic: Boolean(e.rulePublic), pseudonym: yearlyPseudonym(e.seed, e.occurredOn.slice(0, 4)) })).toBe(e.hash);
    prev.set(e.chainId, e.hash);
    if (e.conductPoints) for (const p of periodsOfDay(e.occurredOn)) scores.set(`${e.householdId}/${p}`, (scores.get(`${e.householdId}/${p}`) ?? 0) + e.conductPoints);
  }
  for (const h of await q<{ id: number; balance: number }>('SELECT id, balance FROM households')) expect(h.balance).toBe(running.get(h.id) ?? 0);
  for (const s of await q<{ householdId: number; period: string; score: number }>('SELECT household_id AS "householdId", period, score FROM household_period_scores')) {
    expect(s.score).toBe(scores.get(`${s.householdId}/${s.period}`) ?? 0);
  }
  const stock = new Map<number, number>();
  for (const m of await q<{ goodsId: number; quantity: number; stockAfter: number }>('SELECT goods_id AS "goodsId", quantity, stock_after AS "stockAfter" FROM stock_movements ORDER BY id')) {
    const s = (stock.get(m.goodsId) ?? 0) + m.quantity;
    expect(m.stockAfter).toBe(s);
    expect(s).toBeGreaterThanOrEqual(0);
    stock.set(m.goodsId, s);
  }
  for (const g of await q<{ id: number; stock: number }>('SELECT id, stock FROM goods')) expect(g.stock).toBe(stock.get(g.id) ?? 0);
}

describe('ledger properties', () => {
  it('keeps balances equal to the sum of entries and never below zero, and stock likewise, under any sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const t = makeTestApp();
        const w = await makeWorld(t);
        const households = [w.household, makeHousehold(t.db, w.areas.villageA.id, { headName: '刘芳', idNumber: null }), makeHousehold(t.db, w.areas.villageA2.id, { headName: '陈强', idNumber: null })];
        const rules = [w.rule, w.deduction, makeRule(t.db, w.areas.county.id, { name: '好媳妇', points: 20, category: 'family_virtue' })];
        const goods = [w.oil, w.soap];
        const cadre = await login(t, 'county');
        const reviewer = await login(t, 'township');
        const clerkUser = await login(t, 'clerk');
        const pending: number[] = [];
        for (const o of ops) {
          if (o.kind === 'propose') {
            const r = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: households[o.household].id, ruleId: rules[o.rule].id, quantity: o.quantity, occurredOn: `2026-06-${String(o.day).padStart(2, '0')}` } });
            if (r.status === 201) pending.push(r.body.id);
          } else if (o.kind === 'approve' && pending.length) {
            const [id] = pending.splice(o.pick % pending.length, 1);
            expect((await call(t, 'POST', `/api/awards/${id}/approve`, { cookie: reviewer })).status).toBe(200);
          } else if (o.kind === 'reverse') {
            const entries = await t.sql.all<{ id: number }>(`SELECT id FROM ledger_entries WHERE kind <> 'reversal' AND id NOT IN (SELECT reverses_id FROM ledger_entries WHERE reverses_id IS NOT NULL) ORDER BY id`);
            if (entries.length) {
              const res = await call(t, 'POST', `/api/ledger/${entries[o.pick % entries.length].id}/reverse`, { cookie: cadre, body: { reason: '更正' } });
              expect(res.status).toBe(201);
            }
          } else if (o.kind === 'redeem' && households[o.household].villageId === w.areas.villageA.id) {
            const pass = await call(t, 'POST', `/api/households/${households[o.household].id}/assisted-pass`, { cookie: await login(t, 'cadre'), body: { reason: '老人不会用手机' } });
            const res = await call(t, 'POST', '/api/redemptions', { cookie: clerkUser, headers: { 'idempotency-key': `prop-${Math.random()}` }, body: { code: pass.body.code, items: [{ goodsId: goods[o.goods].id, quantity: o.quantity }] } });
            expect([201, 422]).toContain(res.status);
          } else if (o.kind === 'stock') {
            const res = await call(t, 'POST', `/api/goods/${goods[o.goods].id}/stock`, { cookie: cadre, body: { quantity: o.quantity * 30, kind: o.loss ? 'loss' : 'purchase' } });
            expect([200, 422]).toContain(res.status);
          }
        }
        await checkInvariants(t);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
