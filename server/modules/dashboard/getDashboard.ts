import { and, asc, count, countDistinct, desc, eq, gte, inArray, lt, lte, sql, sum } from 'drizzle-orm';
import { areas, donations, goods, households, ledgerEntries, stockMovements } from '../../../db/schema';
import { shanghaiDay } from '../../../db/time';
import type { Ctx } from '../../lib/context';
import { periodSpan, reportArea, storesUnder, villagesUnder } from '../excel/exportScope';
import type { DashboardQuery } from './schemas';

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const end = to.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= end) return out;
    if (++m > 12) {
      m = 1;
      y += 1;
    }
  }
}

const num = (v: unknown): number => Number(v ?? 0);

/**
 * Figures for the village, township or county dashboard, all aggregated in SQL from the ledger, the
 * stock movements and the donation records of the area's villages and stores in the period.
 */
export function getDashboard(ctx: Ctx, query: DashboardQuery) {
  const area = reportArea(ctx, query.areaId);
  const period = query.period ?? shanghaiDay(ctx.now.getTime()).slice(0, 4);
  const { from, to, fromMs, toMs } = periodSpan(period);
  const villages = villagesUnder(ctx, area);
  const villageIds = villages.length ? villages.map((v) => v.id) : [-1];
  const stores = storesUnder(ctx, area);
  const storeIds = stores.length ? stores.map((s) => s.id) : [-1];
  const inLedger = and(inArray(ledgerEntries.villageId, villageIds), gte(ledgerEntries.occurredOn, from), lte(ledgerEntries.occurredOn, to));

  const month = sql<string>`substr(${ledgerEntries.occurredOn}, 1, 7)`;
  const byMonth = ctx.db
    .select({ month, kind: ledgerEntries.kind, points: sum(ledgerEntries.points) })
    .from(ledgerEntries)
    .where(and(inLedger, inArray(ledgerEntries.kind, ['award', 'deduction', 'redemption'])))
    .groupBy(month, ledgerEntries.kind)
    .all();
  const monthly = monthsBetween(from, to).map((m) => {
    const of = (k: string) => num(byMonth.find((r) => r.month === m && r.kind === k)?.points);
    return { month: m, awarded: of('award'), deducted: 0 - of('deduction'), redeemed: 0 - of('redemption') };
  });

  const byCategory = ctx.db
    .select({ category: ledgerEntries.category, kind: ledgerEntries.kind, points: sum(ledgerEntries.points), entries: count() })
    .from(ledgerEntries)
    .where(and(inLedger, inArray(ledgerEntries.kind, ['award', 'deduction'])))
    .groupBy(ledgerEntries.category, ledgerEntries.kind)
    .all();
  const categories = [...new Set(byCategory.map((r) => r.category ?? 'other'))].sort().map((c) => {
    const rows = byCategory.filter((r) => (r.category ?? 'other') === c);
    const of = (k: string) => num(rows.find((r) => r.kind === k)?.points);
    return { category: c, awarded: of('award'), deducted: 0 - of('deduction'), entries: rows.reduce((s, r) => s + num(r.entries), 0) };
  });

  const active = ctx.db
    .select({ villageId: households.villageId, n: count() })
    .from(households)
    .where(and(inArray(households.villageId, villageIds), eq(households.status, 'active')))
    .groupBy(households.villageId)
    .all();
  const awarded = ctx.db
    .select({ villageId: ledgerEntries.villageId, n: countDistinct(ledgerEntries.householdId) })
    .from(ledgerEntries)
    .where(and(inLedger, eq(ledgerEntries.kind, 'award')))
    .groupBy(ledgerEntries.villageId)
    .all();
  const participation = villages.map((v) => {
    const total = num(active.find((r) => r.villageId === v.id)?.n);
    const withAward = num(awarded.find((r) => r.villageId === v.id)?.n);
    return { villageId: v.id, village: v.name, households: total, participating: withAward, rate: total ? Math.round((withAward / total) * 1000) / 10 : 0 };
  });

  const redeemedQty = sql<number>`-sum(${stockMovements.quantity})`;
  const topGoods = ctx.db
    .select({ goodsId: goods.id, name: goods.name, unit: goods.unit, store: areas.name, quantity: redeemedQty })
    .from(stockMovements)
    .innerJoin(goods, eq(goods.id, stockMovements.goodsId))
    .innerJoin(areas, eq(areas.id, stockMovements.storeAreaId))
    .where(and(inArray(stockMovements.storeAreaId, storeIds), eq(stockMovements.kind, 'redemption'), gte(stockMovements.createdAt, fromMs), lt(stockMovements.createdAt, toMs)))
    .groupBy(goods.id, goods.name, goods.unit, areas.name)
    .orderBy(desc(redeemedQty), asc(goods.id))
    .limit(10)
    .all()
    .map((r) => ({ ...r, quantity: num(r.quantity) }));

  const value = sql<number>`sum(${goods.stock} * ${goods.price})`;
  const stock = ctx.db
    .select({ storeId: goods.storeAreaId, store: areas.name, goodsCount: count(), units: sum(goods.stock), value })
    .from(goods)
    .innerJoin(areas, eq(areas.id, goods.storeAreaId))
    .where(and(inArray(goods.storeAreaId, storeIds), eq(goods.active, true)))
    .groupBy(goods.storeAreaId, areas.name)
    .orderBy(asc(goods.storeAreaId))
    .all()
    .map((r) => ({ ...r, units: num(r.units), value: num(r.value) }));
  const lowStock = ctx.db
    .select({ goodsId: goods.id, name: goods.name, unit: goods.unit, store: areas.name, stock: goods.stock, price: goods.price })
    .from(goods)
    .innerJoin(areas, eq(areas.id, goods.storeAreaId))
    .where(and(inArray(goods.storeAreaId, storeIds), eq(goods.active, true), lte(goods.stock, query.lowStock)))
    .orderBy(asc(goods.stock), asc(goods.id))
    .limit(50)
    .all();

  const donationMonth = sql<string>`substr(${donations.receivedOn}, 1, 7)`;
  const byDonationMonth = ctx.db
    .select({ month: donationMonth, donations: count(), amountFen: sum(donations.amountFen), quantity: sum(donations.quantity) })
    .from(donations)
    .where(and(inArray(donations.storeAreaId, storeIds), gte(donations.receivedOn, from), lte(donations.receivedOn, to)))
    .groupBy(donationMonth)
    .all();
  const donationsByMonth = monthsBetween(from, to).map((m) => {
    const r = byDonationMonth.find((d) => d.month === m);
    return { month: m, donations: num(r?.donations), amountYuan: num(r?.amountFen) / 100, quantity: num(r?.quantity) };
  });

  return {
    area: { id: area.id, name: area.name, kind: area.kind },
    period,
    from,
    to,
    totals: {
      awarded: monthly.reduce((s, m) => s + m.awarded, 0),
      deducted: monthly.reduce((s, m) => s + m.deducted, 0),
      redeemed: monthly.reduce((s, m) => s + m.redeemed, 0),
      households: participation.reduce((s, p) => s + p.households, 0),
      participating: participation.reduce((s, p) => s + p.participating, 0),
      stockValue: stock.reduce((s, r) => s + r.value, 0),
    },
    monthly,
    categories,
    participation,
    topGoods,
    stock,
    lowStock,
    donations: donationsByMonth,
  };
}

export type Dashboard = ReturnType<typeof getDashboard>;
