import { describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { call, grantPoints, login, makeGoods, makeUser, makeWorld } from '../support/factories';

/**
 * A clerk serves the store it stands in: the village clerk (东村) its village store, the township clerk (东乡)
 * the township store. Neither sees, receives stock for, nor hands over the other's goods.
 */
// `fixture` adds rows before the first request: afterwards the app may run over another database (pg-suite).
async function setup(fixture?: (t: TestApp, w: Awaited<ReturnType<typeof makeWorld>>) => void) {
  const t = makeTestApp();
  const w = await makeWorld(t);
  grantPoints(t.db, w.household.id, w.areas.villageA.id, 500);
  await makeUser(t.db, 'clerk', w.areas.townA.id, { username: 'clerk-town' });
  const rice = makeGoods(t.db, w.areas.townA.id, { name: '镇超市大米', price: 20, stock: 50 });
  fixture?.(t, w);
  const clerk = await login(t, 'clerk');
  const town = await login(t, 'clerk-town');
  const household = await login(t, 'household');
  const pass = async () => (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household })).body.code as string;
  let n = 0;
  const redeem = (cookie: string, code: string, goodsId: number) =>
    call(t, 'POST', '/api/redemptions', { cookie, headers: { 'idempotency-key': `store-test-${++n}` }, body: { code, items: [{ goodsId, quantity: 1 }] } });
  const stockOf = (id: number) => call(t, 'GET', `/api/goods?storeAreaId=${id}`, { cookie: town });
  return { t, w, rice, clerk, town, household, pass, redeem, stockOf };
}

describe('a clerk serves one store', () => {
  it("lists only its own store's shelf: the village clerk never sees township goods, nor the township clerk village goods", async () => {
    const { t, w, rice, clerk, town } = await setup();
    const village = await call(t, 'GET', '/api/goods', { cookie: clerk });
    expect(village.body.items.map((g: { id: number }) => g.id).sort()).toEqual([w.oil.id, w.soap.id].sort());
    const township = await call(t, 'GET', '/api/goods', { cookie: town });
    expect(township.body.items.map((g: { id: number }) => g.id)).toEqual([rice.id]);
    expect((await call(t, 'GET', `/api/goods?storeAreaId=${w.areas.townA.id}`, { cookie: clerk })).status).toBe(404);
    expect((await call(t, 'GET', `/api/goods?storeAreaId=${w.areas.villageA.id}`, { cookie: town })).status).toBe(404);
  });

  it("refuses stock receipts, edits and movements of the other store's goods with 404 and moves nothing", async () => {
    const { t, w, rice, clerk, town } = await setup();
    const body = { quantity: 5, kind: 'purchase' };
    expect((await call(t, 'POST', `/api/goods/${rice.id}/stock`, { cookie: clerk, body })).status).toBe(404);
    expect((await call(t, 'POST', `/api/goods/${w.oil.id}/stock`, { cookie: town, body })).status).toBe(404);
    expect((await call(t, 'PATCH', `/api/goods/${w.oil.id}`, { cookie: town, body: { price: 1 } })).status).toBe(404);
    expect((await call(t, 'GET', `/api/stock-movements?goodsId=${w.oil.id}`, { cookie: town })).status).toBe(404);
    expect((await call(t, 'GET', `/api/stock-movements?storeAreaId=${w.areas.villageA.id}`, { cookie: town })).status).toBe(404);
    expect((await call(t, 'POST', '/api/goods', { cookie: town, body: { storeAreaId: w.areas.villageA.id, name: '毛巾', price: 3 } })).status).toBe(404);
    const all = await call(t, 'GET', '/api/stock-movements', { cookie: town });
    expect(all.body.items.every((m: { goodsId: number }) => m.goodsId === rice.id)).toBe(true);
    expect((await call(t, 'POST', `/api/goods/${rice.id}/stock`, { cookie: town, body })).status).toBe(200);
    expect((await call(t, 'GET', `/api/goods?storeAreaId=${w.areas.villageA.id}`, { cookie: await login(t, 'cadre') })).body.items.find((g: { id: number }) => g.id === w.oil.id).stock).toBe(100);
  });

  it("refuses to redeem the other store's goods (404), charges nothing and leaves the code unspent", async () => {
    const { t, w, rice, clerk, town, pass, redeem } = await setup();
    const code = await pass();
    const byVillageClerk = await redeem(clerk, code, rice.id);
    expect(byVillageClerk.status).toBe(404);
    const byTownClerk = await redeem(town, code, w.oil.id);
    expect(byTownClerk.status).toBe(404);
    const cadre = await login(t, 'cadre');
    expect((await call(t, 'GET', `/api/households/${w.household.id}`, { cookie: cadre })).body.balance).toBe(500);
    // The same code still works at the right counter: the township clerk hands over township goods.
    const ok = await redeem(town, code, rice.id);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.storeName).toBe('东乡');
    expect((await call(t, 'GET', `/api/goods?storeAreaId=${w.areas.villageA.id}`, { cookie: cadre })).body.items.find((g: { id: number }) => g.id === w.oil.id).stock).toBe(100);
  });

  it("shows at lookup the limits of the clerk's own store only", async () => {
    const { t, w, clerk, town, pass } = await setup((app, world) => {
      makeGoods(app.db, world.areas.townA.id, { name: '镇超市面粉', price: 9, stock: 5, monthlyLimit: 2 });
    });
    const code = await pass();
    const atVillage = await call(t, 'POST', '/api/counter/lookup', { cookie: clerk, body: { code } });
    expect(atVillage.body.store).toEqual({ id: w.areas.villageA.id, name: '东村' });
    expect(atVillage.body.limits.map((l: { name: string }) => l.name)).toEqual(['肥皂']);
    const atTown = await call(t, 'POST', '/api/counter/lookup', { cookie: town, body: { code } });
    expect(atTown.body.limits.map((l: { name: string }) => l.name)).toEqual(['镇超市面粉']);
  });

  it("a village clerk cannot serve a household of another village of the same township (404)", async () => {
    const { t, w, town } = await setup();
    await makeUser(t.db, 'clerk', w.areas.villageA2.id, { username: 'clerk-south' });
    const south = await login(t, 'clerk-south');
    const household = await login(t, 'household');
    const code = (await call(t, 'POST', `/api/households/${w.household.id}/pass`, { cookie: household })).body.code;
    expect((await call(t, 'POST', '/api/counter/lookup', { cookie: south, body: { code } })).status).toBe(404);
    // The township store serves every village of its township.
    expect((await call(t, 'POST', '/api/counter/lookup', { cookie: town, body: { code } })).status).toBe(200);
  });

  it("lists for a household, per store it may use, that store's goods with the store's name", async () => {
    const { t, rice, household } = await setup((app, world) => {
      makeGoods(app.db, world.areas.townB.id, { name: '别的乡镇的油', price: 1, stock: 1 });
    });
    const res = await call(t, 'GET', '/api/goods', { cookie: household });
    const byStore = new Map<string, string[]>();
    for (const g of res.body.items as { storeName: string; name: string }[]) byStore.set(g.storeName, [...(byStore.get(g.storeName) ?? []), g.name]);
    expect(Object.fromEntries(byStore)).toEqual({ 东乡: [rice.name], 东村: expect.arrayContaining(['食用油', '肥皂']) });
  });

  it("shows a clerk its store's redemptions of today, any clerk of it, and not another store's", async () => {
    const { t, w, rice, clerk, town, pass, redeem } = await setup();
    await makeUser(t.db, 'clerk', w.areas.villageA.id, { username: 'clerk2' });
    const clerk2 = await login(t, 'clerk2');
    const first = await redeem(clerk, await pass(), w.soap.id);
    const second = await redeem(clerk2, await pass(), w.oil.id);
    await redeem(town, await pass(), rice.id);
    const mine = await call(t, 'GET', '/api/redemptions?today=1', { cookie: clerk });
    expect(mine.body.items.map((r: { id: number }) => r.id)).toEqual([second.body.id, first.body.id]);
    expect(mine.body.items[0].storeName).toBe('东村');
    const receipt = await call(t, 'GET', `/api/redemptions/${first.body.id}`, { cookie: clerk2 });
    expect(receipt.body.items).toEqual([expect.objectContaining({ goodsId: w.soap.id, quantity: 1, points: 5 })]);
    expect((await call(t, 'GET', `/api/redemptions/${first.body.id}`, { cookie: town })).status).toBe(404);
    t.clock.advance(24 * 3600_000);
    expect((await call(t, 'GET', '/api/redemptions?today=1', { cookie: clerk })).body.items).toEqual([]);
  });
});
