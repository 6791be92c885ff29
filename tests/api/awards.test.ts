import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, login, makeHousehold, makeRule, makeWorld } from '../support/factories';

async function setup() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  return { t, w, cadre: await login(t, 'cadre'), reviewer: await login(t, 'reviewer'), household: await login(t, 'household'), county: await login(t, 'county') };
}

describe('awards', () => {
  it('goes on public notice for the village noticeDays and posts when the notice ends', async () => {
    const { t, w, cadre, reviewer, county } = await setup();
    expect((await call(t, 'PATCH', `/api/areas/${w.areas.villageA.id}/settings`, { cookie: county, body: { noticeDays: 3 } })).body.noticeDays).toBe(3);
    const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    const approved = await call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: reviewer });
    expect(approved.body.status).toBe('notice');
    expect(approved.body.noticeEndsAt).toBe(t.clock.now.getTime() + 3 * 86_400_000);
    expect((await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre })).body).toMatchObject({ balance: 0, noticePoints: 5 });

    t.clock.advance(2 * 86_400_000);
    expect((await call(t, 'POST', '/api/awards/post-due', { cookie: county })).body.posted).toBe(0);
    t.clock.advance(1 * 86_400_000);
    expect((await call(t, 'POST', '/api/awards/post-due', { cookie: county })).body.posted).toBe(1);
    expect((await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre })).body.balance).toBe(5);
  });

  it('holds an award with an open objection and sends it back to review when the objection is upheld', async () => {
    const { t, w, cadre, reviewer, household, county } = await setup();
    await call(t, 'PATCH', `/api/areas/${w.areas.villageA.id}/settings`, { cookie: county, body: { noticeDays: 1 } });
    const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    await call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: reviewer });
    const objection = await call(t, 'POST', `/api/awards/${a.body.id}/objections`, { cookie: household, body: { reason: '当天并未参加' } });
    expect(objection.status).toBe(201);
    expect((await call(t, 'POST', `/api/awards/${a.body.id}/objections`, { cookie: household, body: { reason: '再次' } })).body.error.code).toBe('objection_exists');

    t.clock.advance(2 * 86_400_000);
    expect((await call(t, 'POST', '/api/awards/post-due', { cookie: county })).body.posted).toBe(0);
    const resolved = await call(t, 'POST', `/api/objections/${objection.body.id}/resolve`, { cookie: reviewer, body: { decision: 'upheld', resolution: '核实未参加' } });
    expect(resolved.body).toMatchObject({ status: 'upheld', awardStatus: 'pending' });
    expect((await call(t, 'GET', `/api/awards/${a.body.id}`, { cookie: cadre })).body.status).toBe('pending');
  });

  it('posts a dismissed objection’s award at once when its notice has already ended', async () => {
    const { t, w, cadre, reviewer, household, county } = await setup();
    await call(t, 'PATCH', `/api/areas/${w.areas.villageA.id}/settings`, { cookie: county, body: { noticeDays: 1 } });
    const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    await call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: reviewer });
    const objection = await call(t, 'POST', `/api/awards/${a.body.id}/objections`, { cookie: household, body: { reason: '有疑问' } });
    t.clock.advance(2 * 86_400_000);
    const resolved = await call(t, 'POST', `/api/objections/${objection.body.id}/resolve`, { cookie: reviewer, body: { decision: 'dismissed', resolution: '属实' } });
    expect(resolved.body.awardStatus).toBe('posted');
  });

  it('refuses objections outside the notice period', async () => {
    const { t, w, cadre, household } = await setup();
    const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    const res = await call(t, 'POST', `/api/awards/${a.body.id}/objections`, { cookie: household, body: { reason: '有疑问' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_on_notice');
  });

  it('does not let anyone approve their own proposal', async () => {
    const { t, w } = await setup();
    const township = await login(t, 'township');
    const a = await call(t, 'POST', '/api/awards', { cookie: township, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    const res = await call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: township });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('own_proposal');
  });

  it('approves or rejects an award only once', async () => {
    const { t, w, cadre, reviewer } = await setup();
    const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    expect((await call(t, 'POST', `/api/awards/${a.body.id}/reject`, { cookie: reviewer, body: { reason: '重复申报' } })).body.status).toBe('rejected');
    const again = await call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: reviewer });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_status');
  });

  it('enforces a rule’s monthly cap across single and batch proposals, ignoring rejected ones', async () => {
    const { t, w, cadre, reviewer } = await setup();
    const capped = makeRule(t.db, w.areas.county.id, { name: '义务劳动', points: 2, monthlyCap: 3, category: 'public_welfare' });
    const first = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: capped.id, quantity: 2, occurredOn: '2026-06-01' } });
    expect(first.status).toBe(201);
    const over = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { ruleId: capped.id, occurredOn: '2026-06-05', items: [{ householdId: w.household.id, quantity: 2 }] } });
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('monthly_cap_exceeded');
    await call(t, 'POST', `/api/awards/${first.body.id}/reject`, { cookie: reviewer, body: { reason: '记错了' } });
    expect((await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: capped.id, quantity: 3, occurredOn: '2026-06-02' } })).status).toBe(201);
    // A new month starts a new count.
    expect((await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: capped.id, quantity: 3, occurredOn: '2026-05-31' } })).status).toBe(201);
  });

  it('writes a batch of 400 households in one request, or nothing at all', async () => {
    const { t, w, cadre, reviewer } = await setup();
    const hs = Array.from({ length: 399 }, (_, i) => makeHousehold(t.db, w.areas.villageA.id, { headName: '王小明', doorNo: `${i}号`, idNumber: null }));
    const items = [w.household, ...hs].map((h, i) => ({ householdId: h.id, quantity: (i % 3) + 1 }));
    const bad = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { ruleId: w.rule.id, occurredOn: '2026-06-01', items: [...items.slice(0, 10), { householdId: w.otherHousehold.id, quantity: 1 }] } });
    expect(bad.status).toBe(404);
    expect((await call(t, 'GET', '/api/awards?status=pending', { cookie: cadre })).body.total).toBe(0);

    const ok = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { ruleId: w.rule.id, occurredOn: '2026-06-01', items } });
    expect(ok.status).toBe(201);
    expect(ok.body.ids).toHaveLength(400);
    const approved = await call(t, 'POST', '/api/awards/approve', { cookie: reviewer, body: { ids: ok.body.ids } });
    expect(approved.body.items.every((i: { status: string }) => i.status === 'posted')).toBe(true);
    const total = items.reduce((s, i) => s + i.quantity * 5, 0);
    const board = await call(t, 'GET', `/api/public/areas/${w.areas.villageA.id}/leaderboard?period=2026-06&limit=500`);
    expect(board.body.items.reduce((s: number, i: { points: number }) => s + i.points, 0)).toBe(total);
  });

  it('rejects a batch that names a household twice', async () => {
    const { t, w, cadre } = await setup();
    const res = await call(t, 'POST', '/api/awards/batch', { cookie: cadre, body: { ruleId: w.rule.id, occurredOn: '2026-06-01', items: [{ householdId: w.household.id }, { householdId: w.household.id }] } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('duplicate_household');
  });

  it('refuses deeds dated in the future', async () => {
    const { t, w, cadre } = await setup();
    const res = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-16' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('future_date');
  });

  it('keeps the rule version an award was proposed under after the rule is edited', async () => {
    const { t, w, cadre, reviewer } = await setup();
    const rule = makeRule(t.db, w.areas.villageA.id, { name: '门前三包', points: 4 });
    const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: rule.id, occurredOn: '2026-06-14' } });
    const edited = await call(t, 'PATCH', `/api/rules/${rule.id}`, { cookie: cadre, body: { points: 6 } });
    expect(edited.body.version).toBe(2);
    const award = await call(t, 'GET', `/api/awards/${a.body.id}`, { cookie: reviewer });
    expect(award.body.points).toBe(4);
    expect(award.body.rule).toMatchObject({ version: 1, points: 4 });
  });

  it('counts deductions in the conduct score but never takes the balance below zero', async () => {
    const { t, w, cadre, reviewer } = await setup();
    const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.deduction.id, quantity: 2, occurredOn: '2026-06-14' } });
    expect(a.body.points).toBe(-10);
    await call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: reviewer });
    const h = await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre });
    expect(h.body.balance).toBe(0);
    expect(h.body.conduct).toMatchObject({ score: -10, deducted: 10 });
    const ledger = await call(t, 'GET', `/api/households/${w.household.id}/ledger`, { cookie: cadre });
    expect(ledger.body.items[0]).toMatchObject({ kind: 'deduction', points: 0, conductPoints: -10 });
  });
});
