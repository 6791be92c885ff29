import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../support/app';
import { call, grantPoints, login, makeGoods, makeUser, makeWorld } from '../support/factories';

async function setup() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  grantPoints(t.db, w.household.id, w.areas.villageA.id, 500);
  await makeUser(t.db, 'clerk', w.areas.townA.id, { username: 'clerk-town' });
  const rice = makeGoods(t.db, w.areas.townA.id, { name: '大米', price: 20, stock: 50 });
  const clerk = await login(t, 'clerk');
  const town = await login(t, 'clerk-town');
  const household = await login(t, 'household');
  const pass = async () => (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household })).body as { code: string; digits: string };
  const redeem = (cookie: string, code: string, goodsId: number, key: string) =>
    call(t, 'POST', '/api/redemptions', { cookie, headers: { 'idempotency-key': key }, body: { code, items: [{ goodsId, quantity: 1 }] } });
  return { t, w, rice, clerk, town, pass, redeem };
}

describe('a used code says which redemption used it', () => {
  it('answers 409 code_used with the redemption, its time and its store to the clerk of that store (lookup and redeem)', async () => {
    const { t, w, clerk, pass, redeem } = await setup();
    const { code } = await pass();
    const first = await redeem(clerk, code, w.soap.id, 'used-details-1');
    expect(first.status).toBe(201);
    t.clock.advance(5_000);
    const expected = { redemptionId: first.body.id, at: first.body.createdAt, storeName: '东村' };
    const lookup = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code } });
    expect(lookup.status).toBe(409);
    expect(lookup.body.error.code).toBe('code_used');
    expect(lookup.body.error.details).toEqual(expected);
    // A new checkout (new key) with the same code: refused with the same details, nothing charged again.
    const again = await redeem(clerk, code, w.oil.id, 'used-details-2');
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual(expected);
    const receipt = await call(t, 'GET', `/api/redemptions/${expected.redemptionId}`, { cookie: clerk });
    expect(receipt.body.items.map((i: { name: string }) => i.name)).toEqual(['肥皂']);
    const cadre = await login(t, 'cadre');
    expect((await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre })).body.balance).toBe(495);
  });

  it('tells the clerk of another store only that the code is used', async () => {
    const { t, rice, clerk, town, pass, redeem } = await setup();
    const { code } = await pass();
    expect((await redeem(town, code, rice.id, 'used-elsewhere-1')).status).toBe(201);
    const res = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('code_used');
    expect(res.body.error.details).toBeUndefined();
  });

  it('gives the same details when the typed digits of a spent code are entered', async () => {
    const { t, w, clerk, pass, redeem } = await setup();
    const p = await pass();
    const first = await redeem(clerk, p.code, w.soap.id, 'used-digits-1');
    const res = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: p.digits } });
    expect(res.status).toBe(409);
    expect(res.body.error.details.redemptionId).toBe(first.body.id);
  });

  it('with 20 parallel checkouts of one code (different keys) charges once; every other answer names that one redemption', async () => {
    const { t, w, clerk, pass, redeem } = await setup();
    const { code } = await pass();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => redeem(clerk, code, w.soap.id, `parallel-used-${i}`)));
    const made = answers.filter((a) => a.status === 201);
    expect(made).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.status).toBe(409);
      expect(a.body.error.details.redemptionId).toBe(made[0].body.id);
    }
    const cadre = await login(t, 'cadre');
    expect((await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre })).body.balance).toBe(495);
  });
});
