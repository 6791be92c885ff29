import { describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { call, grantPoints, login, makeGoods, makeWorld } from '../support/factories';

// `fixture` adds rows before the first request: afterwards the app may run over another database (pg-suite).
async function setup<F = undefined>(points = 100, fixture?: (t: TestApp, w: Awaited<ReturnType<typeof makeWorld>>) => F) {
  const t = makeTestApp();
  const w = await makeWorld(t);
  if (points) grantPoints(t.db, w.household.id, w.areas.villageA.id, points);
  const extra = fixture?.(t, w) as F;
  const household = await login(t, 'household');
  const clerk = await login(t, 'clerk');
  const cadre = await login(t, 'cadre');
  const pass = async () => (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household })).body.code as string;
  const redeem = (code: string, items: { goodsId: number; quantity: number }[], key = `k-${Math.random().toString(36).slice(2, 12)}`, extra: Record<string, unknown> = {}) =>
    call(t, 'POST', '/api/redemptions', { cookie: clerk, headers: { 'idempotency-key': key }, body: { code, items, ...extra } });
  return { t, w, extra, household, clerk, cadre, pass, redeem };
}

describe('the counter', () => {
  it('spends a one-time code once', async () => {
    const { w, pass, redeem } = await setup();
    const code = await pass();
    expect((await redeem(code, [{ goodsId: w.soap.id, quantity: 1 }])).status).toBe(201);
    const again = await redeem(code, [{ goodsId: w.soap.id, quantity: 1 }]);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('code_used');
  });

  it('lets a household hold several live codes at once', async () => {
    const { w, pass, redeem } = await setup();
    const a = await pass();
    const b = await pass();
    expect((await redeem(b, [{ goodsId: w.soap.id, quantity: 1 }])).status).toBe(201);
    expect((await redeem(a, [{ goodsId: w.soap.id, quantity: 1 }])).status).toBe(201);
  });

  it('refuses an expired code with 410', async () => {
    const { t, w, pass, redeem, clerk } = await setup();
    const code = await pass();
    t.clock.advance(61_000);
    const res = await redeem(code, [{ goodsId: w.soap.id, quantity: 1 }]);
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('code_expired');
    expect((await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code } })).status).toBe(410);
  });

  it('refuses a forged code', async () => {
    const { w, pass, redeem } = await setup();
    const code = await pass();
    const forged = code.replace(/^J1\.[0-9a-z]+/, `J1.${w.otherHousehold.id.toString(36)}`);
    const res = await redeem(forged, [{ goodsId: w.soap.id, quantity: 1 }]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_code');
  });

  it('answers a retry with the same Idempotency-Key with the first response and charges once', async () => {
    const { t, w, pass, redeem, cadre } = await setup();
    const code = await pass();
    const first = await redeem(code, [{ goodsId: w.oil.id, quantity: 1 }], 'retry-key-123');
    const retry = await redeem(code, [{ goodsId: w.oil.id, quantity: 1 }], 'retry-key-123');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre })).body.balance).toBe(70);
    const mismatch = await redeem(code, [{ goodsId: w.oil.id, quantity: 2 }], 'retry-key-123');
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.code).toBe('idempotency_mismatch');
  });

  it('requires an Idempotency-Key', async () => {
    const { t, w, pass, clerk } = await setup();
    const res = await call(t, 'POST', '/api/redemptions', { cookie: clerk, body: { code: await pass(), items: [{ goodsId: w.soap.id, quantity: 1 }] } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('idempotency_key_required');
  });

  it('refuses to overspend and leaves the code unspent', async () => {
    const { w, pass, redeem } = await setup(50);
    const code = await pass();
    const res = await redeem(code, [{ goodsId: w.oil.id, quantity: 2 }]);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('insufficient_points');
    expect((await redeem(code, [{ goodsId: w.oil.id, quantity: 1 }])).body.balanceAfter).toBe(20);
  });

  it('refuses more than the stock', async () => {
    const { extra: scarce, pass, redeem } = await setup(1000, (t, w) => makeGoods(t.db, w.areas.villageA.id, { name: '电饭锅', price: 1, stock: 2 }));
    const res = await redeem(await pass(), [{ goodsId: scarce.id, quantity: 3 }]);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('insufficient_stock');
  });

  it('enforces a per-household monthly limit', async () => {
    const { t, w, pass, redeem } = await setup();
    expect((await redeem(await pass(), [{ goodsId: w.soap.id, quantity: 3 }])).status).toBe(201);
    const res = await redeem(await pass(), [{ goodsId: w.soap.id, quantity: 1 }]);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('limit_exceeded');
    t.clock.set('2026-07-01T02:00:00Z');
    expect((await redeem(await pass(), [{ goodsId: w.soap.id, quantity: 1 }])).status).toBe(201);
  });

  it('sells only goods of a store that serves the household', async () => {
    const { w, pass, redeem } = await setup();
    const res = await redeem(await pass(), [{ goodsId: w.otherGoods.id, quantity: 1 }]);
    expect(res.status).toBe(404);
  });

  it('shows the clerk who the code belongs to, the balance and the limits', async () => {
    const { t, w, pass, clerk } = await setup();
    const res = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code: await pass() } });
    expect(res.body.household).toMatchObject({ id: w.household.id, headName: '张三明', balance: 100, villageName: '东村' });
    expect(res.body.limits).toEqual([{ goodsId: w.soap.id, name: '肥皂', unit: '桶', monthlyLimit: 3, usedThisMonth: 0 }]);
  });

  it('serves a printed card with its PIN and locks it after five wrong PINs', async () => {
    const { t, w, cadre, clerk, redeem } = await setup();
    const card = await call(t, 'POST', `/api/households/${w.household.id}/cards`, { cookie: cadre, body: { pin: '135790' } });
    expect(card.status).toBe(201);
    expect(card.body.svg).toContain('<svg');
    const code = card.body.code as string;
    expect((await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code } })).body.error.code).toBe('pin_required');
    expect((await redeem(code, [{ goodsId: w.soap.id, quantity: 1 }], undefined, { pin: '135790' })).status).toBe(201);
    for (let i = 0; i < 5; i++) {
      const wrong = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code, pin: '000000' } });
      expect(wrong.body.error.code).toBe('wrong_pin');
    }
    const locked = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code, pin: '135790' } });
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe('card_locked');
    await call(t, 'POST', `/api/cards/${card.body.id}/unlock`, { cookie: cadre });
    expect((await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code, pin: '135790' } })).status).toBe(200);
  });

  it('puts goods back in stock when a redemption is reversed', async () => {
    const { t, w, pass, redeem, cadre } = await setup();
    const r = await redeem(await pass(), [{ goodsId: w.oil.id, quantity: 2 }]);
    const ledger = await call(t, 'GET', `/api/households/${w.household.id}/ledger`, { cookie: cadre });
    const entry = ledger.body.items.find((i: { kind: string }) => i.kind === 'redemption');
    const reversed = await call(t, 'POST', `/api/ledger/${entry.id}/reverse`, { cookie: cadre, body: { reason: '商品未领取' } });
    expect(reversed.body).toMatchObject({ kind: 'reversal', points: 60, balanceAfter: 100 });
    const goods = await call(t, 'GET', `/api/goods?storeAreaId=${w.areas.villageA.id}`, { cookie: cadre });
    expect(goods.body.items.find((g: { id: number }) => g.id === w.oil.id).stock).toBe(100);
    expect((await call(t, 'POST', `/api/ledger/${entry.id}/reverse`, { cookie: cadre, body: { reason: '再次' } })).body.error.code).toBe('already_reversed');
    void r;
  });

  it('returns the QR code as an SVG with an expiry one minute ahead', async () => {
    const { t, w, household } = await setup();
    const res = await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household });
    expect(res.body.expiresAt).toBe(t.clock.now.getTime() + 60_000);
    expect(res.body.svg).toMatch(/^<svg/);
  });
});
