import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, grantPoints, login, makeWorld } from '../support/factories';

describe('the dishonesty list', () => {
  it('suspends redemption only once a reviewer approves the listing, and restores it after a reviewed removal', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 100);
    const cadre = await login(t, 'cadre');
    const reviewer = await login(t, 'reviewer');
    const clerk = await login(t, 'clerk');
    const household = await login(t, 'household');
    const lookup = async () => {
      const pass = await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household });
      return call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: pass.body.code } });
    };

    const proposed = await call(t, 'POST', '/api/dishonesty', { cookie: cadre, body: { householdId: w.household.id, reason: 'fraudulent_claim', detail: '虚报冒领帮扶资金' } });
    expect(proposed.status).toBe(201);
    expect((await lookup()).status).toBe(200);
    expect((await call(t, 'POST', '/api/dishonesty', { cookie: cadre, body: { householdId: w.household.id, reason: 'other', detail: '重复' } })).body.error.code).toBe('listing_exists');

    const listed = await call(t, 'POST', `/api/dishonesty/${proposed.body.id}/decision`, { cookie: reviewer, body: { decision: 'approve', note: '村民代表会议评议属实' } });
    expect(listed.body).toEqual({ id: proposed.body.id, status: 'listed', redemptionSuspended: true });
    const refused = await lookup();
    expect(refused.status).toBe(423);
    expect(refused.body.error.code).toBe('redemption_suspended');

    await call(t, 'POST', `/api/dishonesty/${proposed.body.id}/removal`, { cookie: cadre, body: { reason: '已退回资金并公开道歉' } });
    expect((await lookup()).status).toBe(423);
    const removed = await call(t, 'POST', `/api/dishonesty/${proposed.body.id}/decision`, { cookie: reviewer, body: { decision: 'approve', note: '整改到位' } });
    expect(removed.body).toMatchObject({ status: 'removed', redemptionSuspended: false });
    expect((await lookup()).status).toBe(200);

    const audit = await call(t, 'GET', `/api/audit?entity=dishonesty_listing&entityId=${proposed.body.id}`, { cookie: cadre });
    expect(audit.body.items.map((i: { action: string }) => i.action)).toEqual([
      'dishonesty_listing.decide_removal',
      'dishonesty_listing.propose_removal',
      'dishonesty_listing.decide',
      'dishonesty_listing.propose',
    ]);
  });

  it('does not let the proposer decide', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const township = await login(t, 'township');
    const proposed = await call(t, 'POST', '/api/dishonesty', { cookie: township, body: { householdId: w.household.id, reason: 'other', detail: '严重违反公序良俗' } });
    const res = await call(t, 'POST', `/api/dishonesty/${proposed.body.id}/decision`, { cookie: township, body: { decision: 'approve', note: '属实' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('own_proposal');
  });
});
