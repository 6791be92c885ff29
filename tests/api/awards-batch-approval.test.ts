/**
 * Approving a batch posts every award through the batched path (db/ledger/batch.ts): the same chain, balances,
 * scores, totals and audit as posting them one by one, or nothing at all.
 */
import { describe, expect, it } from 'vitest';
import { verifyDatabase } from '../../db/verify';
import { makeTestApp } from '../support/app';
import { call, login, makeHousehold, makeWorld } from '../support/factories';
import { batchApprovalFacts } from './support/batchApproval';

async function setup() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const cadre = await login(t, 'cadre');
  const reviewer = await login(t, 'reviewer');
  const others = Array.from({ length: 5 }, (_, i) => makeHousehold(t.db, w.areas.villageA.id, { headName: `批量${i}`, doorNo: `${i}号`, idNumber: null }));
  const propose = async (householdId: number, quantity: number, day: string) => {
    const res = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId, ruleId: w.rule.id, quantity, occurredOn: day } });
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  return { t, w, cadre, reviewer, others, propose };
}

describe('batch approval', () => {
  it('posts many awards of one household in the batch with a running balance_after, one audit row each, and a chain that verifies', async () => {
    const { t, w, reviewer, others, propose } = await setup();
    const ids: number[] = [];
    // The household of interest gets six awards interleaved with others', over two months and two years.
    const days = ['2026-06-01', '2026-05-20', '2025-12-30', '2026-06-02', '2026-06-01', '2026-01-03'];
    for (const [i, day] of days.entries()) {
      ids.push(await propose(w.household.id, i + 1, day));
      ids.push(await propose(others[i % others.length]!.id, 1, day));
    }
    const res = await call(t, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids } });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { id: number }) => i.id)).toEqual([...ids].sort((a, b) => a - b));
    const facts = await batchApprovalFacts(await t.appDb(), w.household.id, ids);
    expect(facts.balanceAfter).toEqual([5, 15, 30, 50, 75, 105]);
    expect(facts.balance).toBe(105);
    expect(facts.auditRows).toBe(ids.length);
    expect(facts.postedWithEntry).toBe(ids.length);
    expect(facts.scoreYear2026).toBe(105 - 15);
    expect((await verifyDatabase(await t.appDb())).ok).toBe(true);
  });

  it('writes nothing when one award of the batch is no longer pending', async () => {
    const { t, w, reviewer, others, propose } = await setup();
    const ids = [await propose(w.household.id, 2, '2026-06-01'), await propose(others[0]!.id, 1, '2026-06-01'), await propose(w.household.id, 1, '2026-06-02')];
    expect((await call(t, 'POST', `/api/awards/${ids[2]}/reject`, { cookie: reviewer, body: { reason: '重复申报' } })).status).toBe(200);
    const before = await batchApprovalFacts(await t.appDb(), w.household.id, ids);
    const res = await call(t, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('invalid_status');
    expect(await batchApprovalFacts(await t.appDb(), w.household.id, ids)).toEqual(before);
    expect(before.balanceAfter).toEqual([]);
    expect(before.auditRows).toBe(0);
  });
});
