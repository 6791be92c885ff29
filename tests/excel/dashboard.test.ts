import { describe, expect, it } from 'vitest';
import { appendLedgerEntry } from '../../db/ledger';
import { donations, goods, households, ledgerEntries, stockMovements } from '../../db/schema';
import { applyStockMovement } from '../../db/goods/stock';
import { makeTestApp } from '../support/app';
import { call, login, makeGoods, makeHousehold, makeWorld, writeNow } from '../support/factories';
import { readXlsx } from './sheets';

const categories = ['hygiene', 'public_welfare', 'family_virtue'] as const;

/** Deterministic pseudo-random numbers so the factory data is varied but the test repeatable. */
function lcg(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

async function factoryWorld() {
  const t = makeTestApp('2026-12-20T02:00:00.000Z');
  const w = await makeWorld(t);
  const rand = lcg(7);
  const villages = [w.areas.villageA, w.areas.villageA2, w.areas.villageB];
  const hs = villages.flatMap((v) => Array.from({ length: 6 }, (_, i) => makeHousehold(t.db, v.id, { headName: `户主${v.id}${i}`, doorNo: `${v.id}-${i}号` })));
  const rice = makeGoods(t.db, w.areas.villageA2.id, { name: '大米', price: 20, stock: 50 });
  const storeGoods = [w.oil, w.soap, rice, w.otherGoods];
  for (let i = 0; i < 240; i++) {
    const h = hs[rand(hs.length)];
    const day = `${rand(2) ? 2026 : 2025}-${String(1 + rand(12)).padStart(2, '0')}-${String(1 + rand(28)).padStart(2, '0')}`;
    const at = Date.parse(`${day}T04:00:00Z`);
    writeNow(t.db, () => {
      const roll = rand(10);
      if (roll < 6) {
        const p = 1 + rand(20);
        appendLedgerEntry(t.db, { householdId: h.id, villageId: h.villageId, kind: 'award', points: p, conductPoints: p, occurredOn: day, category: categories[rand(3)], createdAt: at });
      } else if (roll < 7) {
        appendLedgerEntry(t.db, { householdId: h.id, villageId: h.villageId, kind: 'deduction', points: -3, conductPoints: -3, occurredOn: day, category: 'hygiene', createdAt: at });
      } else {
        const bal = t.db.select().from(households).all().find((x) => x.id === h.id)!.balance;
        const g = storeGoods[rand(storeGoods.length)];
        const cur = t.db.select().from(goods).all().find((x) => x.id === g.id)!;
        if (bal >= cur.price && cur.stock > 0) {
          appendLedgerEntry(t.db, { householdId: h.id, villageId: h.villageId, kind: 'redemption', points: -cur.price, conductPoints: 0, occurredOn: day, createdAt: at });
          applyStockMovement(t.db, { goodsId: g.id, kind: 'redemption', quantity: -1, createdAt: at });
        }
      }
    });
  }
  t.db.insert(donations).values([
    { storeAreaId: w.areas.villageA.id, donorName: '甲公司', amountFen: 50000, quantity: 10, receivedOn: '2026-03-02', createdAt: 0 },
    { storeAreaId: w.areas.villageA.id, donorName: '乙个人', amountFen: 2000, receivedOn: '2026-03-20', createdAt: 0 },
    { storeAreaId: w.areas.villageB.id, donorName: '丙单位', amountFen: 9900, receivedOn: '2026-05-01', createdAt: 0 },
  ]).run();
  return { t, w };
}

describe('dashboard', () => {
  it('equals direct sums over the ledger and the stock movements for every area and period', async () => {
    const { t, w } = await factoryWorld();
    const county = await login(t, 'county');
    const entries = t.db.select().from(ledgerEntries).all();
    const moves = t.db.select().from(stockMovements).all();
    const allGoods = t.db.select().from(goods).all();
    const allHouseholds = t.db.select().from(households).all();
    const villageSets: Record<string, number[]> = {
      county: [w.areas.villageA.id, w.areas.villageA2.id, w.areas.villageB.id],
      townA: [w.areas.villageA.id, w.areas.villageA2.id],
      villageA: [w.areas.villageA.id],
    };
    const areaIds: Record<string, number> = { county: w.areas.county.id, townA: w.areas.townA.id, villageA: w.areas.villageA.id };
    for (const [name, villages] of Object.entries(villageSets)) {
      for (const period of ['2026', '2025-Q3', '2026-03']) {
        const res = await call(t, 'GET', `/api/dashboard?areaId=${areaIds[name]}&period=${period}`, { cookie: county });
        expect(res.status).toBe(200);
        const d = res.body;
        const inPeriod = entries.filter((e) => villages.includes(e.villageId) && e.occurredOn >= d.from && e.occurredOn <= d.to);
        const sumOf = (kind: string, filter: (e: (typeof entries)[number]) => boolean = () => true) => inPeriod.filter((e) => e.kind === kind && filter(e)).reduce((s, e) => s + e.points, 0);
        for (const m of d.monthly) {
          const inMonth = (e: (typeof entries)[number]) => e.occurredOn.startsWith(m.month);
          expect([m.awarded, m.deducted, m.redeemed]).toEqual([sumOf('award', inMonth), 0 - sumOf('deduction', inMonth), 0 - sumOf('redemption', inMonth)]);
        }
        expect(d.totals.awarded).toBe(sumOf('award'));
        expect(d.totals.redeemed).toBe(0 - sumOf('redemption'));
        for (const c of d.categories) expect(c.awarded).toBe(sumOf('award', (e) => e.category === c.category));
        for (const p of d.participation) {
          expect(p.participating).toBe(new Set(inPeriod.filter((e) => e.kind === 'award' && e.villageId === p.villageId).map((e) => e.householdId)).size);
          expect(p.households).toBe(allHouseholds.filter((h) => h.villageId === p.villageId && h.status === 'active').length);
        }
        const storeIds = name === 'villageA' ? [w.areas.villageA.id] : name === 'townA' ? [w.areas.townA.id, ...villages] : [w.areas.townA.id, w.areas.townB.id, ...villages];
        const fromMs = Date.parse(`${d.from}T00:00:00+08:00`);
        const toMs = Date.parse(`${d.to}T00:00:00+08:00`) + 86_400_000;
        for (const g of d.topGoods) {
          expect(g.quantity).toBe(0 - moves.filter((m) => m.goodsId === g.goodsId && m.kind === 'redemption' && m.createdAt >= fromMs && m.createdAt < toMs).reduce((s, m) => s + m.quantity, 0));
        }
        const stockValue = allGoods.filter((g) => storeIds.includes(g.storeAreaId) && g.active).reduce((s, g) => s + g.stock * g.price, 0);
        expect(d.totals.stockValue).toBe(stockValue);
        for (const g of allGoods.filter((x) => storeIds.includes(x.storeAreaId))) {
          // The cached stock is the sum of the goods' movements.
          expect(g.stock).toBe(moves.filter((m) => m.goodsId === g.id).reduce((s, m) => s + m.quantity, 0));
        }
      }
    }
    const march = await call(t, 'GET', `/api/dashboard?areaId=${w.areas.county.id}&period=2026-03`, { cookie: county });
    expect(march.body.donations).toEqual([{ month: '2026-03', donations: 2, amountYuan: 520, quantity: 10 }]);
  });

  it('scopes to the actor area, defaults to the current year, and exports the numbers behind a chart', async () => {
    const { t, w } = await factoryWorld();
    const cadre = await login(t, 'cadre');
    const own = await call(t, 'GET', '/api/dashboard', { cookie: cadre });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ area: { id: w.areas.villageA.id }, period: '2026' });
    expect(own.body.monthly).toHaveLength(12);
    expect((await call(t, 'GET', `/api/dashboard?areaId=${w.areas.townA.id}`, { cookie: cadre })).status).toBe(404);
    expect((await call(t, 'GET', '/api/dashboard', { cookie: await login(t, 'clerk') })).status).toBe(403);
    const res = await t.app.request('/api/exports/dashboard.xlsx?chart=monthly&period=2026', { headers: { cookie: cadre } });
    expect(res.status).toBe(200);
    const rows = await readXlsx(Buffer.from(await res.arrayBuffer()));
    expect(rows[1]).toEqual(['月份', '奖励积分', '扣除积分', '兑换积分']);
    expect(rows.slice(2).map((r) => Number(r[1]))).toEqual(own.body.monthly.map((m: { awarded: number }) => m.awarded));
  });
});
