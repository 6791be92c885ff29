import type { Db } from '../client';
import { NO_CATEGORY } from '../ledger/totals';
import { sqlOf, type SqlParam } from '../sql';

/** An empty list matches nothing (SQL `IN ()` is not valid everywhere). */
const anyOf = (ids: readonly number[]) => (ids.length ? [...ids] : [-1]);
const marks = (ids: readonly unknown[]) => ids.map(() => '?').join(', ');
const num = (v: unknown): number => Number(v ?? 0);

/** The villages, stores and days a dashboard covers. */
export interface DashboardScope {
  villageIds: readonly number[];
  storeIds: readonly number[];
  /** The period key ("2026", "2026-Q1", "2026-03") the days span: whole months, as the kept totals are. */
  period: string;
  /** Days, both ends included: the first and last day of the period. */
  from: string;
  to: string;
  /** Epoch milliseconds, [fromMs, toMs). */
  fromMs: number;
  toMs: number;
}

/**
 * `village_id IN (…) AND month BETWEEN …` over ledger_month_totals, and its parameters. The totals are kept per
 * month at posting (db/ledger/totals.ts), so a period of whole months reads villages × months rows, not the ledger.
 */
function inTotals(s: DashboardScope): { where: string; params: SqlParam[] } {
  const villages = anyOf(s.villageIds);
  return { where: `village_id IN (${marks(villages)}) AND month >= ? AND month <= ?`, params: [...villages, s.from.slice(0, 7), s.to.slice(0, 7)] };
}

/** Points of awards, deductions and redemptions per month (`YYYY-MM`) and kind. */
export async function pointsByMonth(db: Db, s: DashboardScope): Promise<{ month: string; kind: string; points: number }[]> {
  const t = inTotals(s);
  const rows = await sqlOf(db).all<{ month: string; kind: string; points: number | null }>(
    `SELECT month, kind, SUM(points) AS points
       FROM ledger_month_totals
      WHERE ${t.where} AND kind IN ('award', 'deduction', 'redemption')
      GROUP BY month, kind
      ORDER BY month, kind`,
    t.params,
  );
  return rows.map((r) => ({ month: r.month, kind: r.kind, points: num(r.points) }));
}

/** Points and entries of awards and deductions per rule category (null: no category) and kind. */
export async function pointsByCategory(db: Db, s: DashboardScope): Promise<{ category: string | null; kind: string; points: number; entries: number }[]> {
  const t = inTotals(s);
  const rows = await sqlOf(db).all<{ category: string; kind: string; points: number | null; entries: number | null }>(
    `SELECT category, kind, SUM(points) AS points, SUM(entries) AS entries
       FROM ledger_month_totals
      WHERE ${t.where} AND kind IN ('award', 'deduction')
      GROUP BY category, kind
      ORDER BY category <> '${NO_CATEGORY}', category, kind`,
    t.params,
  );
  return rows.map((r) => ({ category: r.category === NO_CATEGORY ? null : r.category, kind: r.kind, points: num(r.points), entries: num(r.entries) }));
}

/** Active households per village (now, not at the period's end). */
export async function activeHouseholdsPerVillage(db: Db, s: DashboardScope): Promise<Map<number, number>> {
  const villages = anyOf(s.villageIds);
  const rows = await sqlOf(db).all<{ villageId: number; n: number }>(
    `SELECT village_id AS "villageId", COUNT(*) AS n FROM households WHERE village_id IN (${marks(villages)}) AND status = 'active' GROUP BY village_id`,
    villages,
  );
  return new Map(rows.map((r) => [r.villageId, num(r.n)]));
}

/** Households with at least one award in the period, per village (kept per period at posting). */
export async function awardedHouseholdsPerVillage(db: Db, s: DashboardScope): Promise<Map<number, number>> {
  const villages = anyOf(s.villageIds);
  const rows = await sqlOf(db).all<{ villageId: number; n: number }>(
    `SELECT village_id AS "villageId", households AS n FROM village_period_awardees WHERE village_id IN (${marks(villages)}) AND period = ?`,
    [...villages, s.period],
  );
  return new Map(rows.map((r) => [r.villageId, num(r.n)]));
}

/** The ten goods redeemed most in the period. */
export async function topRedeemedGoods(db: Db, s: DashboardScope): Promise<{ goodsId: number; name: string; unit: string; store: string; quantity: number }[]> {
  const stores = anyOf(s.storeIds);
  const rows = await sqlOf(db).all<{ goodsId: number; name: string; unit: string; store: string; quantity: number | null }>(
    `SELECT g.id AS "goodsId", g.name AS name, g.unit AS unit, a.name AS store, -SUM(m.quantity) AS quantity
       FROM stock_movements m
       JOIN goods g ON g.id = m.goods_id
       JOIN areas a ON a.id = m.store_area_id
      WHERE m.store_area_id IN (${marks(stores)}) AND m.kind = 'redemption' AND m.created_at >= ? AND m.created_at < ?
      GROUP BY g.id, g.name, g.unit, a.name
      ORDER BY -SUM(m.quantity) DESC, g.id ASC
      LIMIT 10`,
    [...stores, s.fromMs, s.toMs],
  );
  return rows.map((r) => ({ goodsId: r.goodsId, name: r.name, unit: r.unit, store: r.store, quantity: num(r.quantity) }));
}

/** Active goods in stock per store: kinds, units and value in points. */
export async function stockValuePerStore(db: Db, s: Pick<DashboardScope, 'storeIds'>): Promise<{ storeId: number; store: string; goodsCount: number; units: number; value: number }[]> {
  const stores = anyOf(s.storeIds);
  // BIGINT: PostgreSQL multiplies two integer columns in 32 bits and fails past 2^31, where SQLite goes on in 64.
  const rows = await sqlOf(db).all<{ storeId: number; store: string; goodsCount: number; units: number | null; value: number | null }>(
    `SELECT g.store_area_id AS "storeId", a.name AS store, COUNT(*) AS "goodsCount", SUM(g.stock) AS units, SUM(CAST(g.stock AS BIGINT) * g.price) AS value
       FROM goods g
       JOIN areas a ON a.id = g.store_area_id
      WHERE g.store_area_id IN (${marks(stores)}) AND g.active
      GROUP BY g.store_area_id, a.name
      ORDER BY g.store_area_id ASC`,
    stores,
  );
  return rows.map((r) => ({ storeId: r.storeId, store: r.store, goodsCount: num(r.goodsCount), units: num(r.units), value: num(r.value) }));
}

/** Up to 50 active goods with at most `threshold` in stock, emptiest first. */
export async function lowStockGoods(
  db: Db,
  s: Pick<DashboardScope, 'storeIds'>,
  threshold: number,
): Promise<{ goodsId: number; name: string; unit: string; store: string; stock: number; price: number }[]> {
  const stores = anyOf(s.storeIds);
  return sqlOf(db).all(
    `SELECT g.id AS "goodsId", g.name AS name, g.unit AS unit, a.name AS store, g.stock AS stock, g.price AS price
       FROM goods g
       JOIN areas a ON a.id = g.store_area_id
      WHERE g.store_area_id IN (${marks(stores)}) AND g.active AND g.stock <= ?
      ORDER BY g.stock ASC, g.id ASC
      LIMIT 50`,
    [...stores, threshold],
  );
}

/** Donations received per month: how many, money (fen) and goods quantity. */
export async function donationsByMonth(db: Db, s: DashboardScope): Promise<{ month: string; donations: number; amountFen: number; quantity: number }[]> {
  const stores = anyOf(s.storeIds);
  const rows = await sqlOf(db).all<{ month: string; donations: number; amountFen: number | null; quantity: number | null }>(
    `SELECT substr(received_on, 1, 7) AS month, COUNT(*) AS donations, SUM(amount_fen) AS "amountFen", SUM(quantity) AS quantity
       FROM donations
      WHERE store_area_id IN (${marks(stores)}) AND received_on >= ? AND received_on <= ?
      GROUP BY substr(received_on, 1, 7)
      ORDER BY substr(received_on, 1, 7)`,
    [...stores, s.from, s.to],
  );
  return rows.map((r) => ({ month: r.month, donations: num(r.donations), amountFen: num(r.amountFen), quantity: num(r.quantity) }));
}
