import { replicaDb } from '../../../db/client';
import {
  activeHouseholdsPerVillage,
  awardedHouseholdsPerVillage,
  donationsByMonth,
  lowStockGoods,
  pointsByCategory,
  pointsByMonth,
  stockValuePerStore,
  topRedeemedGoods,
  type DashboardScope,
} from '../../../db/dashboard/figures';
import { shanghaiDay } from '../../../db/time';
import type { Ctx } from '../../lib/context';
import { periodSpan, reportArea, storesUnder, villagesUnder } from '../excel/exportScope';
import { moneyOfStores } from '../funds/moneyOfStores';
import { headingsOfView, viewHeadingLabel } from '../rules/headingsOfView';
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
// Awards and deductions always carry a heading; a row without one still counts, under its own line.
const UNCATEGORISED = 'other';

/**
 * Figures for the village, township or county dashboard, all aggregated in SQL from the ledger, the
 * stock movements and the donation records of the area's villages and stores in the period.
 */
export async function getDashboard(ctx: Ctx, query: DashboardQuery) {
  const db = replicaDb(ctx.db);
  const area = await reportArea(db, ctx, query.areaId);
  const period = query.period ?? shanghaiDay(ctx.now.getTime()).slice(0, 4);
  const { from, to, fromMs, toMs } = periodSpan(period);
  const villages = await villagesUnder(db, area);
  const stores = await storesUnder(db, area);
  const scope: DashboardScope = { villageIds: villages.map((v) => v.id), storeIds: stores.map((s) => s.id), period, from, to, fromMs, toMs };

  const byMonth = await pointsByMonth(db, scope);
  const monthly = monthsBetween(from, to).map((m) => {
    const of = (k: string) => num(byMonth.find((r) => r.month === m && r.kind === k)?.points);
    return { month: m, awarded: of('award'), deducted: 0 - of('deduction'), redeemed: 0 - of('redemption') };
  });

  const byCategory = await pointsByCategory(db, scope);
  // Grouped under the area's own catalogue: its headings in force (zeros shown), then what areas beneath it used.
  const used = new Set(byCategory.map((r) => r.category ?? UNCATEGORISED));
  const categories = (await headingsOfView(db, area, used)).map((h) => {
    const rows = byCategory.filter((r) => (r.category ?? UNCATEGORISED) === h.code);
    const of = (k: string) => num(rows.find((r) => r.kind === k)?.points);
    const name = h.code === UNCATEGORISED && h.headingId === null ? '未分类' : h.name;
    return {
      category: h.code,
      name,
      label: viewHeadingLabel({ ...h, name }),
      headingId: h.headingId,
      areaName: h.areaName,
      place: h.place,
      blackList: h.blackList,
      awarded: of('award'),
      deducted: 0 - of('deduction'),
      entries: rows.reduce((s, r) => s + num(r.entries), 0),
    };
  });

  const active = await activeHouseholdsPerVillage(db, scope);
  const awarded = await awardedHouseholdsPerVillage(db, scope);
  const participation = villages.map((v) => {
    const total = active.get(v.id) ?? 0;
    const withAward = awarded.get(v.id) ?? 0;
    return { villageId: v.id, village: v.name, households: total, participating: withAward, rate: total ? Math.round((withAward / total) * 1000) / 10 : 0 };
  });

  const topGoods = await topRedeemedGoods(db, scope);
  const stock = await stockValuePerStore(db, scope);
  const lowStock = await lowStockGoods(db, scope, query.lowStock);
  const byDonationMonth = await donationsByMonth(db, scope);
  const donationsPerMonth = monthsBetween(from, to).map((m) => {
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
    donations: donationsPerMonth,
    // The supermarkets' money side (资金台账) over the period, per store.
    money: await moneyOfStores(db, area, period),
  };
}

export type Dashboard = Awaited<ReturnType<typeof getDashboard>>;
