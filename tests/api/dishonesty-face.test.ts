import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, grantPoints, login, makeHousehold, makeUser, makeWorld } from '../support/factories';

async function listed() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  grantPoints(t.db, w.household.id, w.areas.villageA.id, 100);
  const cadre = await login(t, 'cadre');
  const reviewer = await login(t, 'reviewer');
  const household = await login(t, 'household');
  const proposed = await call(t, 'POST', '/api/dishonesty', { cookie: cadre, body: { householdId: w.household.id, reason: 'fraudulent_claim', detail: '虚报冒领帮扶资金 3000 元' } });
  return { t, w, cadre, reviewer, household, id: proposed.body.id as number };
}

describe('the dishonesty list as its people see it', () => {
  it('the counter says redemption is suspended and names the category, never the details', async () => {
    const { t, w, reviewer, household, id } = await listed();
    await call(t, 'POST', `/api/dishonesty/${id}/decision`, { cookie: reviewer, body: { decision: 'approve', note: '评议属实' } });
    const pass = await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household });
    const res = await call(t, 'POST', '/api/counter/lookup', { cookie: await login(t, 'clerk'), body: { code: pass.body.code } });
    expect(res.status).toBe(423);
    expect(res.body.error.code).toBe('redemption_suspended');
    expect(res.body.error.message).toContain('兑换已暂停');
    expect(res.body.error.message).toContain('虚报冒领');
    expect(res.body.error.message).not.toContain('3000');
  });

  it('a household sees its own listing once decided, with removal under review, and nobody else’s', async () => {
    const { t, w, cadre, reviewer, household, id } = await listed();
    // Proposed but not decided: nothing to show yet.
    expect((await call(t, 'GET', '/api/dishonesty/mine', { cookie: household })).body).toEqual({ listed: false, suspended: false, items: [] });
    await call(t, 'POST', `/api/dishonesty/${id}/decision`, { cookie: reviewer, body: { decision: 'approve', note: '评议属实' } });
    const mine = await call(t, 'GET', '/api/dishonesty/mine', { cookie: household });
    expect(mine.body).toMatchObject({ listed: true, suspended: true, items: [{ id, status: 'listed', reason: 'fraudulent_claim', detail: '虚报冒领帮扶资金 3000 元' }] });
    expect(mine.body.items[0]).not.toHaveProperty('proposedBy');
    expect(mine.body.items[0]).not.toHaveProperty('decisionNote');
    await call(t, 'POST', `/api/dishonesty/${id}/removal`, { cookie: cadre, body: { reason: '已退回' } });
    expect((await call(t, 'GET', '/api/dishonesty/mine', { cookie: household })).body.items[0].status).toBe('removal_proposed');
    const neighbour = makeHousehold(t.db, w.areas.villageA.id, { headName: '王五' });
    await makeUser(t.db, 'household', w.areas.villageA.id, { username: 'neighbour', householdId: neighbour.id });
    expect((await call(t, 'GET', '/api/dishonesty/mine', { cookie: await login(t, 'neighbour') })).body).toEqual({ listed: false, suspended: false, items: [] });
    // Staff use the list itself; a household cannot read it.
    expect((await call(t, 'GET', '/api/dishonesty/mine', { cookie: cadre })).status).toBe(403);
    expect((await call(t, 'GET', '/api/dishonesty', { cookie: household })).status).toBe(403);
  });
});
