import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

describe('the points loop', () => {
  it('runs award → approval → redemption end to end', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const cadre = await login(t, 'cadre');
    const reviewer = await login(t, 'reviewer');
    const household = await login(t, 'household');
    const clerk = await login(t, 'clerk');

    const proposed = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, quantity: 10, occurredOn: '2026-06-10' } });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ status: 'pending', points: 50 });

    const approved = await call(t, 'POST', `/api/awards/${proposed.body.id}/approve`, { cookie: reviewer });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('posted');

    const pass = await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household });
    expect(pass.status).toBe(201);
    expect(pass.body.svg).toContain('<svg');

    const lookup = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: pass.body.code } });
    expect(lookup.status).toBe(200);
    expect(lookup.body.household.balance).toBe(50);

    const redeemed = await call(t, 'POST', '/api/redemptions', {
      cookie: clerk,
      headers: { 'idempotency-key': 'key-00000001' },
      body: { code: pass.body.code, items: [{ goodsId: w.oil.id, quantity: 1 }, { goodsId: w.soap.id, quantity: 2 }] },
    });
    expect(redeemed.status).toBe(201);
    expect(redeemed.body).toMatchObject({ points: 40, balanceAfter: 10 });

    const ledger = await call(t, 'GET', `/api/households/${w.household.id}/ledger`, { cookie: household });
    expect(ledger.body.balance).toBe(10);
    expect(ledger.body.items.map((i: { kind: string }) => i.kind)).toEqual(['redemption', 'award']);

    const board = await call(t, 'GET', `/api/public/areas/${w.areas.townA.id}/leaderboard?period=2026-06`);
    expect(board.status).toBe(200);
    expect(board.body.items[0]).toMatchObject({ rank: 1, name: '张*明', village: '东村', points: 50 });
  });
});
