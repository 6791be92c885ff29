import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import type { AwardStatus } from '../schema/awards';
import type { LedgerKind } from '../schema/ledger';
import { sqlOf, type SqlParam } from '../sql';

/** Days as `YYYY-MM-DD`, both ends included. */
export interface DaySpan {
  from: string;
  to: string;
}
/** Epoch milliseconds, [fromMs, toMs). */
export interface TimeSpan {
  fromMs: number;
  toMs: number;
}

/** `column IN (…)` of the ids; an empty list matches nothing (SQL `IN ()` is not valid everywhere). */
function inIds(column: string, ids: readonly number[]): { text: string; params: SqlParam[] } {
  const list = ids.length ? [...ids] : [-1];
  return { text: `${column} IN (${list.map(() => '?').join(', ')})`, params: list };
}

function awardsWhere(villageIds: readonly number[], f: { status?: AwardStatus; span?: DaySpan }): { text: string; params: SqlParam[] } {
  const villages = inIds('aw.village_id', villageIds);
  const conditions = [villages.text];
  const params = villages.params;
  if (f.status) {
    conditions.push('aw.status = ?');
    params.push(f.status);
  }
  if (f.span) {
    conditions.push('aw.occurred_on >= ?', 'aw.occurred_on <= ?');
    params.push(f.span.from, f.span.to);
  }
  return { text: conditions.join(' AND '), params };
}

export async function countAwardsForExport(db: Db, villageIds: readonly number[], f: { status?: AwardStatus; span?: DaySpan }): Promise<number> {
  const where = awardsWhere(villageIds, f);
  return (await sqlOf(db).get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM awards aw WHERE ${where.text}`, where.params))?.n ?? 0;
}

export interface AwardExportRow {
  id: number;
  occurredOn: string;
  village: string;
  headName: string;
  doorNo: string | null;
  ruleName: string;
  quantity: number;
  points: number;
  status: AwardStatus;
  proposedAt: number;
  batchId: number | null;
  note: string | null;
  rejectReason: string | null;
}

export async function awardsForExport(db: Db, villageIds: readonly number[], f: { status?: AwardStatus; span?: DaySpan }): Promise<AwardExportRow[]> {
  const where = awardsWhere(villageIds, f);
  return sqlOf(db).all<AwardExportRow>(
    `SELECT aw.id AS "id", aw.occurred_on AS "occurredOn", a.name AS "village", h.head_name AS "headName", h.door_no AS "doorNo",
            r.name AS "ruleName", aw.quantity AS "quantity", aw.points AS "points", aw.status AS "status", aw.proposed_at AS "proposedAt",
            aw.batch_id AS "batchId", aw.note AS "note", aw.reject_reason AS "rejectReason"
       FROM awards aw
       JOIN households h ON h.id = aw.household_id
       JOIN areas a ON a.id = aw.village_id
       JOIN rules r ON r.id = aw.rule_id
      WHERE ${where.text}
      ORDER BY aw.id`,
    where.params,
  );
}

function ledgerWhere(villageIds: readonly number[], span: DaySpan): { text: string; params: SqlParam[] } {
  const villages = inIds('e.village_id', villageIds);
  return { text: `${villages.text} AND e.occurred_on >= ? AND e.occurred_on <= ?`, params: [...villages.params, span.from, span.to] };
}

export async function countLedgerForExport(db: Db, villageIds: readonly number[], span: DaySpan): Promise<number> {
  const where = ledgerWhere(villageIds, span);
  return (await sqlOf(db).get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM ledger_entries e WHERE ${where.text}`, where.params))?.n ?? 0;
}

export interface LedgerExportRow {
  id: number;
  occurredOn: string;
  village: string;
  headName: string;
  doorNo: string | null;
  kind: LedgerKind;
  points: number;
  conductPoints: number;
  balanceAfter: number;
  ruleName: string | null;
  category: string | null;
  note: string | null;
  createdAt: number;
}

export async function ledgerForExport(db: Db, villageIds: readonly number[], span: DaySpan): Promise<LedgerExportRow[]> {
  const where = ledgerWhere(villageIds, span);
  return sqlOf(db).all<LedgerExportRow>(
    `SELECT e.id AS "id", e.occurred_on AS "occurredOn", a.name AS "village", h.head_name AS "headName", h.door_no AS "doorNo",
            e.kind AS "kind", e.points AS "points", e.conduct_points AS "conductPoints", e.balance_after AS "balanceAfter",
            r.name AS "ruleName", e.category AS "category", e.note AS "note", e.created_at AS "createdAt"
       FROM ledger_entries e
       JOIN households h ON h.id = e.household_id
       JOIN areas a ON a.id = e.village_id
       LEFT JOIN rules r ON r.id = e.rule_id
      WHERE ${where.text}
      ORDER BY e.id`,
    where.params,
  );
}

function redemptionsWhere(villageIds: readonly number[], span: TimeSpan): { text: string; params: SqlParam[] } {
  const villages = inIds('x.village_id', villageIds);
  return { text: `${villages.text} AND x.created_at >= ? AND x.created_at < ?`, params: [...villages.params, span.fromMs, span.toMs] };
}

export async function countRedemptionsForExport(db: Db, villageIds: readonly number[], span: TimeSpan): Promise<number> {
  const where = redemptionsWhere(villageIds, span);
  return (await sqlOf(db).get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM redemptions x WHERE ${where.text}`, where.params))?.n ?? 0;
}

export interface RedemptionExportRow {
  id: number;
  createdAt: number;
  village: string;
  headName: string;
  doorNo: string | null;
  points: number;
  balanceAfter: number;
  via: 'pass' | 'card';
}

export async function redemptionsForExport(db: Db, villageIds: readonly number[], span: TimeSpan): Promise<RedemptionExportRow[]> {
  const where = redemptionsWhere(villageIds, span);
  return sqlOf(db).all<RedemptionExportRow>(
    `SELECT x.id AS "id", x.created_at AS "createdAt", a.name AS "village", h.head_name AS "headName", h.door_no AS "doorNo",
            x.points AS "points", x.balance_after AS "balanceAfter", x.via AS "via"
       FROM redemptions x
       JOIN households h ON h.id = x.household_id
       JOIN areas a ON a.id = x.village_id
      WHERE ${where.text}
      ORDER BY x.id`,
    where.params,
  );
}

/** The goods lines of the given redemptions, by redemption then goods. */
export async function redemptionLines(db: Db, redemptionIds: readonly number[]): Promise<{ redemptionId: number; name: string; unit: string; quantity: number }[]> {
  return selectInChunks(redemptionIds, async (part) =>
    sqlOf(db).all<{ redemptionId: number; name: string; unit: string; quantity: number }>(
      `SELECT ri.redemption_id AS "redemptionId", g.name AS "name", g.unit AS "unit", ri.quantity AS "quantity"
         FROM redemption_items ri JOIN goods g ON g.id = ri.goods_id
        WHERE ri.redemption_id IN (${part.map(() => '?').join(', ')})
        ORDER BY ri.redemption_id, ri.goods_id`,
      part,
    ),
  );
}

function movementsWhere(storeIds: readonly number[], span: TimeSpan): { text: string; params: SqlParam[] } {
  const stores = inIds('m.store_area_id', storeIds);
  return { text: `${stores.text} AND m.created_at >= ? AND m.created_at < ?`, params: [...stores.params, span.fromMs, span.toMs] };
}

export async function countMovementsForExport(db: Db, storeIds: readonly number[], span: TimeSpan): Promise<number> {
  const where = movementsWhere(storeIds, span);
  return (await sqlOf(db).get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM stock_movements m WHERE ${where.text}`, where.params))?.n ?? 0;
}

export interface MovementExportRow {
  id: number;
  createdAt: number;
  store: string;
  goodsName: string;
  unit: string;
  kind: 'purchase' | 'donation' | 'redemption' | 'loss' | 'return';
  quantity: number;
  stockAfter: number;
  donor: string | null;
  note: string | null;
}

export async function movementsForExport(db: Db, storeIds: readonly number[], span: TimeSpan): Promise<MovementExportRow[]> {
  const where = movementsWhere(storeIds, span);
  return sqlOf(db).all<MovementExportRow>(
    `SELECT m.id AS "id", m.created_at AS "createdAt", a.name AS "store", g.name AS "goodsName", g.unit AS "unit", m.kind AS "kind",
            m.quantity AS "quantity", m.stock_after AS "stockAfter", d.donor_name AS "donor", m.note AS "note"
       FROM stock_movements m
       JOIN goods g ON g.id = m.goods_id
       JOIN areas a ON a.id = m.store_area_id
       LEFT JOIN donations d ON d.id = m.donation_id
      WHERE ${where.text}
      ORDER BY m.id`,
    where.params,
  );
}

function donationsWhere(storeIds: readonly number[], span: DaySpan): { text: string; params: SqlParam[] } {
  const stores = inIds('d.store_area_id', storeIds);
  return { text: `${stores.text} AND d.received_on >= ? AND d.received_on <= ?`, params: [...stores.params, span.from, span.to] };
}

export async function countDonationsForExport(db: Db, storeIds: readonly number[], span: DaySpan): Promise<number> {
  const where = donationsWhere(storeIds, span);
  return (await sqlOf(db).get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM donations d WHERE ${where.text}`, where.params))?.n ?? 0;
}

export interface DonationExportRow {
  id: number;
  receivedOn: string;
  store: string;
  donorName: string;
  donorKind: 'enterprise' | 'organisation' | 'unit' | 'person';
  anonymous: boolean;
  goodsName: string | null;
  unit: string | null;
  quantity: number | null;
  amountFen: number | null;
  description: string | null;
}

/** The staff copy: anonymous donors are named here (public pages hide them). */
export async function donationsForExport(db: Db, storeIds: readonly number[], span: DaySpan): Promise<DonationExportRow[]> {
  const where = donationsWhere(storeIds, span);
  const rows = await sqlOf(db).all<DonationExportRow>(
    `SELECT d.id AS "id", d.received_on AS "receivedOn", a.name AS "store", d.donor_name AS "donorName", d.donor_kind AS "donorKind",
            d.anonymous AS "anonymous", g.name AS "goodsName", g.unit AS "unit", d.quantity AS "quantity", d.amount_fen AS "amountFen",
            d.description AS "description"
       FROM donations d
       JOIN areas a ON a.id = d.store_area_id
       LEFT JOIN goods g ON g.id = d.goods_id
      WHERE ${where.text}
      ORDER BY d.received_on, d.id`,
    where.params,
  );
  // SQLite answers flags as 0/1.
  return rows.map((r) => ({ ...r, anonymous: Boolean(r.anonymous) }));
}

export interface LeaderboardExportRow {
  score: number;
  earned: number;
  deducted: number;
  headName: string;
  doorNo: string | null;
  village: string;
}

const scopeColumns = { village: 's.village_id', township: 's.township_id', county: 's.county_id' } as const;

/** A period's conduct scores of a village, township or county, best first, with full names for staff. */
export async function leaderboardForExport(db: Db, scope: 'village' | 'township' | 'county', areaId: number, period: string, limit: number): Promise<LeaderboardExportRow[]> {
  return sqlOf(db).all<LeaderboardExportRow>(
    `SELECT s.score AS "score", s.earned AS "earned", s.deducted AS "deducted", h.head_name AS "headName", h.door_no AS "doorNo", a.name AS "village"
       FROM household_period_scores s
       JOIN households h ON h.id = s.household_id
       JOIN areas a ON a.id = s.village_id
      WHERE ${scopeColumns[scope]} = ? AND s.period = ?
      ORDER BY s.score DESC, h.name_initials, h.id
      LIMIT ?`,
    [areaId, period, limit],
  );
}
