import { and, asc, count, countDistinct, desc, eq, gte, inArray, lt, lte, sql, sum } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, donations, goods, households, ledgerEntries, stockMovements } from '../schema';

/** An empty list matches nothing (SQL `IN ()` is not valid everywhere). */
const anyOf = (ids: readonly number[]) => (ids.length ? [...ids] : [-1]);
const num = (v: unknown): number => Number(v ?? 0);

/** The villages, stores and days a dashboard covers. */
export interface DashboardScope {
  villageIds: readonly number[];
  storeIds: readonly number[];
  /** Days, both ends included. */
  from: string;
  to: string;
  /** Epoch milliseconds, [fromMs, toMs). */
  fromMs: number;
  toMs: number;
}

const inLedger = (s: DashboardScope) => and(inArray(ledgerEntries.villageId, anyOf(s.villageIds)), gte(ledgerEntries.occurredOn, s.from), lte(ledgerEntries.occurredOn, s.to));

/** Points of awards, deductions and redemptions per month (`YYYY-MM`) and kind. */
export async function pointsByMonth(db: Db, s: DashboardScope): Promise<{ month: string; kind: string; points: number }[]> {
  const month = sql<string>`substr(${ledgerEntries.occurredOn}, 1, 7)`;
  return db
    .select({ month, kind: ledgerEntries.kind, points: sum(ledgerEntries.points) })
    .from(ledgerEntries)
    .where(and(inLedger(s), inArray(ledgerEntries.kind, ['award', 'deduction', 'redemption'])))
    .groupBy(month, ledgerEntries.kind)
    .all()
    .map((r) => ({ ...r, points: num(r.points) }));
}

/** Points and entries of awards and deductions per rule category (null: no category) and kind. */
export async function pointsByCategory(db: Db, s: DashboardScope): Promise<{ category: string | null; kind: string; points: number; entries: number }[]> {
  return db
    .select({ category: ledgerEntries.category, kind: ledgerEntries.kind, points: sum(ledgerEntries.points), entries: count() })
    .from(ledgerEntries)
    .where(and(inLedger(s), inArray(ledgerEntries.kind, ['award', 'deduction'])))
    .groupBy(ledgerEntries.category, ledgerEntries.kind)
    .all()
    .map((r) => ({ ...r, points: num(r.points), entries: num(r.entries) }));
}

/** Active households per village (now, not at the period's end). */
export async function activeHouseholdsPerVillage(db: Db, s: DashboardScope): Promise<Map<number, number>> {
  const rows = db
    .select({ villageId: households.villageId, n: count() })
    .from(households)
    .where(and(inArray(households.villageId, anyOf(s.villageIds)), eq(households.status, 'active')))
    .groupBy(households.villageId)
    .all();
  return new Map(rows.map((r) => [r.villageId, num(r.n)]));
}

/** Households with at least one award in the period, per village. */
export async function awardedHouseholdsPerVillage(db: Db, s: DashboardScope): Promise<Map<number, number>> {
  const rows = db
    .select({ villageId: ledgerEntries.villageId, n: countDistinct(ledgerEntries.householdId) })
    .from(ledgerEntries)
    .where(and(inLedger(s), eq(ledgerEntries.kind, 'award')))
    .groupBy(ledgerEntries.villageId)
    .all();
  return new Map(rows.map((r) => [r.villageId, num(r.n)]));
}

/** The ten goods redeemed most in the period. */
export async function topRedeemedGoods(db: Db, s: DashboardScope): Promise<{ goodsId: number; name: string; unit: string; store: string; quantity: number }[]> {
  const redeemedQty = sql<number>`-sum(${stockMovements.quantity})`;
  return db
    .select({ goodsId: goods.id, name: goods.name, unit: goods.unit, store: areas.name, quantity: redeemedQty })
    .from(stockMovements)
    .innerJoin(goods, eq(goods.id, stockMovements.goodsId))
    .innerJoin(areas, eq(areas.id, stockMovements.storeAreaId))
    .where(and(inArray(stockMovements.storeAreaId, anyOf(s.storeIds)), eq(stockMovements.kind, 'redemption'), gte(stockMovements.createdAt, s.fromMs), lt(stockMovements.createdAt, s.toMs)))
    .groupBy(goods.id, goods.name, goods.unit, areas.name)
    .orderBy(desc(redeemedQty), asc(goods.id))
    .limit(10)
    .all()
    .map((r) => ({ ...r, quantity: num(r.quantity) }));
}

/** Active goods in stock per store: kinds, units and value in points. */
export async function stockValuePerStore(db: Db, s: Pick<DashboardScope, 'storeIds'>): Promise<{ storeId: number; store: string; goodsCount: number; units: number; value: number }[]> {
  const value = sql<number>`sum(${goods.stock} * ${goods.price})`;
  return db
    .select({ storeId: goods.storeAreaId, store: areas.name, goodsCount: count(), units: sum(goods.stock), value })
    .from(goods)
    .innerJoin(areas, eq(areas.id, goods.storeAreaId))
    .where(and(inArray(goods.storeAreaId, anyOf(s.storeIds)), eq(goods.active, true)))
    .groupBy(goods.storeAreaId, areas.name)
    .orderBy(asc(goods.storeAreaId))
    .all()
    .map((r) => ({ ...r, goodsCount: num(r.goodsCount), units: num(r.units), value: num(r.value) }));
}

/** Up to 50 active goods with at most `threshold` in stock, emptiest first. */
export async function lowStockGoods(db: Db, s: Pick<DashboardScope, 'storeIds'>, threshold: number) {
  return db
    .select({ goodsId: goods.id, name: goods.name, unit: goods.unit, store: areas.name, stock: goods.stock, price: goods.price })
    .from(goods)
    .innerJoin(areas, eq(areas.id, goods.storeAreaId))
    .where(and(inArray(goods.storeAreaId, anyOf(s.storeIds)), eq(goods.active, true), lte(goods.stock, threshold)))
    .orderBy(asc(goods.stock), asc(goods.id))
    .limit(50)
    .all();
}

/** Donations received per month: how many, money (fen) and goods quantity. */
export async function donationsByMonth(db: Db, s: DashboardScope): Promise<{ month: string; donations: number; amountFen: number; quantity: number }[]> {
  const month = sql<string>`substr(${donations.receivedOn}, 1, 7)`;
  return db
    .select({ month, donations: count(), amountFen: sum(donations.amountFen), quantity: sum(donations.quantity) })
    .from(donations)
    .where(and(inArray(donations.storeAreaId, anyOf(s.storeIds)), gte(donations.receivedOn, s.from), lte(donations.receivedOn, s.to)))
    .groupBy(month)
    .all()
    .map((r) => ({ month: r.month, donations: num(r.donations), amountFen: num(r.amountFen), quantity: num(r.quantity) }));
}
