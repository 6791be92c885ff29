import { describe, expect, it } from 'vitest';
import { replayedFigures, statementFigures } from '../../db/funds/closes';
import { sqlOf } from '../../db/sql';
import { periodSpan } from '../../server/modules/excel/exportScope';
import { closeStoreMonths } from '../../server/modules/funds/closeStoreMonths';
import { statementOf } from '../../server/modules/funds/getStatement';
import { moneyOfStores, moneyRow } from '../../server/modules/funds/moneyOfStores';
import { makeTestApp, type TestApp } from '../support/app';
import { call, grantPoints, login, makeGoods, makeUser, makeWorld } from '../support/factories';
import { Random } from '../../seeds/random';

const PERIODS = ['2026-01', '2026-03', '2026-04', '2026-05', '2026-06', '2026-Q1', '2026-Q2', '2026', '2025'];

/** mulberry32: the same books on every run. */

const job = (t: TestApp) => closeStoreMonths({ db: t.db, now: new Date(t.clock.now.getTime()), device: { ip: null, userAgent: 'test' }, actor: null });

/** The dashboard's rows as the single-store statement gives them, store by store. */
async function perStore(t: TestApp, county: { path: string }, period: string) {
  const stores = t.db.$client
    .prepare("SELECT id, name, path, kind FROM areas WHERE kind IN ('village', 'township') AND path LIKE ? ORDER BY id")
    .all(`${county.path}%`) as { id: number; name: string; path: string; kind: 'village' | 'township' }[];
  const rows = [];
  for (const store of stores) {
    const s = await statementOf(t.db, store, period);
    // And the single store's figures are those of replaying its whole history.
    const span = periodSpan(period);
    const replayed = await replayedFigures(sqlOf(t.db), store.id, span);
    expect(await statementFigures(sqlOf(t.db), store.id, span), `${store.id} ${period} replayed`).toEqual(replayed);
    rows.push(moneyRow(store, s));
  }
  return rows;
}

async function expectSameRows(t: TestApp, county: { path: string }, label: string) {
  for (const period of PERIODS) {
    const batched = await moneyOfStores(t.db, county, period);
    const single = await perStore(t, county, period);
    expect(batched.length, `${label} ${period}`).toBe(single.length);
    for (let i = 0; i < single.length; i++) {
      for (const k of Object.keys(single[i]) as (keyof (typeof single)[number])[]) expect(batched[i][k], `${label} ${period} store ${single[i].storeAreaId} ${k}`).toEqual(single[i][k]);
    }
  }
}

/**
 * Two village stores with five months of books made through the API (funding dated back, purchases
 * with and without cost, costs booked later, reversals, donations, redemptions, losses), the close job
 * run at each month's start; the other stores have no books at all.
 */
async function county() {
  const t = makeTestApp('2026-01-03T02:00:00.000Z');
  const w = await makeWorld(t);
  const a = w.areas;
  // The townships differ in what a point is worth: each store's row takes its own.
  t.db.$client.prepare('UPDATE areas SET point_value_fen = ? WHERE id = ?').run(150, a.townB.id);
  await makeUser(t.db, 'household', a.villageB.id, { username: 'household2', householdId: w.otherHousehold.id });
  grantPoints(t.db, w.household.id, a.villageA.id, 1_000_000, '2026-01-01');
  grantPoints(t.db, w.otherHousehold.id, a.villageB.id, 1_000_000, '2026-01-01');
  const stores = [
    { id: a.villageA.id, household: w.household.id, users: { cadre: 'cadre', clerk: 'clerk', household: 'household' }, goods: [w.oil.id, makeGoods(t.db, a.villageA.id, { name: '大米', price: 20 }).id], uncosted: [] as number[] },
    { id: a.villageB.id, household: w.otherHousehold.id, users: { cadre: 'othercadre', clerk: 'otherclerk', household: 'household2' }, goods: [w.otherGoods.id, makeGoods(t.db, a.villageB.id, { name: '洗衣粉', price: 7 }).id], uncosted: [] as number[] },
  ];
  const cookies = new Map<string, string>();
  let loggedInAt = -Infinity;
  const as = async (user: string) => {
    // Sessions lapse over months of test clock: log in again when the clock has moved a day.
    if (t.clock.now.getTime() - loggedInAt >= 86_400_000) {
      cookies.clear();
      loggedInAt = t.clock.now.getTime();
    }
    if (!cookies.has(user)) cookies.set(user, await login(t, user));
    return cookies.get(user)!;
  };
  const r = new Random(7);
  let key = 0;
  let month = '2026-01';
  for (let ms = Date.parse('2026-01-03T02:00:00Z'); ms < Date.parse('2026-06-01T00:00:00Z'); ms += r.int(1, 3) * 86_400_000 + r.int(0, 5) * 3_600_000) {
    t.clock.set(new Date(ms).toISOString());
    const today = new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
    if (today.slice(0, 7) !== month) {
      month = today.slice(0, 7);
      await job(t);
    }
    for (const s of stores) {
      const g = r.pick(s.goods);
      const stock = (t.db.$client.prepare('SELECT stock FROM goods WHERE id = ?').get(g) as { stock: number }).stock;
      const op = r.int(0, 9);
      if (op <= 1) {
        const back = r.next() < 0.4 ? `${month === '2026-01' ? '2025-12' : `2026-${String(Number(month.slice(5)) - 1).padStart(2, '0')}`}-${String(r.int(1, 28)).padStart(2, '0')}` : today;
        const res = await call(t, 'POST', '/api/funds', { cookie: await as(s.users.cadre), body: { storeAreaId: s.id, source: r.pick(['budget', 'partner', 'donation', 'collective']), sourceName: '县财政局', amountFen: r.int(1000, 90_000), receivedOn: back } });
        expect(res.status).toBe(201);
      } else if (op <= 3) {
        const costed = r.next() < 0.7;
        const qty = r.int(3, 20);
        const res = await call(t, 'POST', `/api/goods/${g}/stock`, { cookie: await as(s.users.clerk), body: costed ? { kind: 'purchase', quantity: qty, unitCostFen: r.int(100, 900) } : { kind: 'purchase', quantity: qty } });
        expect(res.status).toBe(200);
        if (!costed) s.uncosted.push(res.body.movementId as number);
      } else if (op === 4) {
        const res = await call(t, 'POST', `/api/goods/${g}/stock`, { cookie: await as(s.users.cadre), body: { kind: 'donation', quantity: r.int(1, 9), donor: '爱心粮店', valueFen: r.int(100, 5000) } });
        expect(res.status).toBe(200);
      } else if (op <= 6 && stock > 0) {
        const code = (await call(t, 'POST', `/api/households/${s.household}/pass`, { cookie: await as(s.users.household) })).body.code as string;
        const res = await call(t, 'POST', '/api/redemptions', { cookie: await as(s.users.clerk), headers: { 'idempotency-key': `batched-${key++}` }, body: { code, items: [{ goodsId: g, quantity: r.int(1, Math.min(stock, 4)) }] } });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      } else if (op === 7 && stock > 0) {
        expect((await call(t, 'POST', `/api/goods/${g}/stock`, { cookie: await as(s.users.clerk), body: { kind: 'loss', quantity: 1, note: '破损' } })).status).toBe(200);
      } else if (op === 8 && s.uncosted.length) {
        const movementId = s.uncosted.splice(r.int(0, s.uncosted.length - 1), 1)[0];
        expect((await call(t, 'POST', '/api/funds/purchase-costs', { cookie: await as(s.users.clerk), body: { movementId, totalCostFen: r.int(500, 9000) } })).status).toBe(201);
      } else if (op === 9) {
        const live = t.db.$client
          .prepare("SELECT id FROM fund_entries e WHERE store_area_id = ? AND kind = 'funding' AND NOT EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses_id = e.id) ORDER BY id")
          .all(s.id) as { id: number }[];
        if (live.length) expect((await call(t, 'POST', `/api/funds/${r.pick(live).id}/reverse`, { cookie: await as(s.users.cadre), body: { reason: '录错' } })).status).toBe(201);
      }
    }
  }
  return { t, w, stores, as };
}

describe('the dashboard money side read for all stores at once', () => {
  it('gives every store the same row as its own statement, with closes, with late entries reaching into them, and without closes', async () => {
    const { t, w, stores, as } = await county();
    const c = w.areas.county;
    const closes = () => (t.db.$client.prepare('SELECT COUNT(*) AS n FROM store_month_closes').get() as { n: number }).n;
    expect(closes()).toBeGreaterThan(4);
    await expectSameRows(t, c, 'closed');

    // Late entries after the closes: a cost booked for goods of a closed month, funding dated back.
    const [sa, sb] = stores;
    if (sa.uncosted.length) expect((await call(t, 'POST', '/api/funds/purchase-costs', { cookie: await as(sa.users.clerk), body: { movementId: sa.uncosted[0], totalCostFen: 777 } })).status).toBe(201);
    expect((await call(t, 'POST', '/api/funds', { cookie: await as(sb.users.cadre), body: { storeAreaId: sb.id, source: 'budget', sourceName: '县财政局', amountFen: 12_345, receivedOn: '2026-04-30' } })).status).toBe(201);
    // A movement stamped into a closed month after the close (a server's clock behind): that close and later ones no longer hold.
    const now = t.clock.now.toISOString();
    t.clock.set('2026-03-20T02:00:00.000Z');
    expect((await call(t, 'POST', `/api/goods/${sa.goods[0]}/stock`, { cookie: await login(t, sa.users.clerk), body: { kind: 'purchase', quantity: 5 } })).status).toBe(200);
    t.clock.set(now);
    await expectSameRows(t, c, 'late');

    // The next run rewrites the closes; then none at all.
    await job(t);
    await expectSameRows(t, c, 'rewritten');
    t.db.$client.prepare('DELETE FROM store_month_closes').run();
    await expectSameRows(t, c, 'no closes');

    // Rows answer for the township too: only its stores.
    const town = await moneyOfStores(t.db, w.areas.townB, '2026');
    expect(town.map((x) => x.storeAreaId).sort()).toEqual([w.areas.townB.id, w.areas.villageB.id].sort());
    expect(town.find((x) => x.storeAreaId === w.areas.villageB.id)!.redemptionsPointsValueFen).toBe(150 * town.find((x) => x.storeAreaId === w.areas.villageB.id)!.redeemedPoints);
  }, 120_000);
});
