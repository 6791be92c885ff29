import type { Db } from '../client';
import type { MovementKind } from '../goods/stock';
import { fundEntryKinds, fundSources } from '../schema/funds';
import { sqlOf, type Sql, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

/** The closed lists of the money books, for the modules' schemas (one list, owned by the table's definition). */
export { fundEntryKinds, fundSources };
export type FundSource = (typeof fundSources)[number];
export type FundEntryKind = (typeof fundEntryKinds)[number];

export interface FundEntryRow {
  id: number;
  storeAreaId: number;
  kind: FundEntryKind;
  source: FundSource | null;
  sourceName: string | null;
  /** Signed change of the store's funds in fen. */
  amountFen: number;
  onDay: string;
  supplier: string | null;
  invoiceNo: string | null;
  movementId: number | null;
  goodsId: number | null;
  quantity: number | null;
  reversesId: number | null;
  note: string | null;
  createdBy: number | null;
  createdAt: number;
}
type Optional = 'source' | 'sourceName' | 'supplier' | 'invoiceNo' | 'movementId' | 'goodsId' | 'quantity' | 'reversesId' | 'note' | 'createdBy';
export type NewFundEntry = Omit<FundEntryRow, 'id' | Optional> & Partial<Pick<FundEntryRow, Optional>>;

/** The row's columns, each qualified by `p` (a table alias and a dot, or nothing). */
const columns = (p: string) => `${p}id, ${p}store_area_id AS "storeAreaId", ${p}kind, ${p}source, ${p}source_name AS "sourceName",
  ${p}amount_fen AS "amountFen", ${p}on_day AS "onDay", ${p}supplier, ${p}invoice_no AS "invoiceNo", ${p}movement_id AS "movementId",
  ${p}goods_id AS "goodsId", ${p}quantity, ${p}reverses_id AS "reversesId", ${p}note, ${p}created_by AS "createdBy", ${p}created_at AS "createdAt"`;
const COLUMNS = columns('');
const E_COLUMNS = columns('e.');

/** Appends one entry to a store's money books; entries are never changed afterwards. */
export async function insertFundEntry(tx: Tx, values: NewFundEntry): Promise<FundEntryRow> {
  const row = await sqlOf(tx).get<FundEntryRow>(
    `INSERT INTO fund_entries (store_area_id, kind, source, source_name, amount_fen, on_day, supplier, invoice_no, movement_id, goods_id, quantity,
       reverses_id, note, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
    [
      values.storeAreaId,
      values.kind,
      values.source ?? null,
      values.sourceName ?? null,
      values.amountFen,
      values.onDay,
      values.supplier ?? null,
      values.invoiceNo ?? null,
      values.movementId ?? null,
      values.goodsId ?? null,
      values.quantity ?? null,
      values.reversesId ?? null,
      values.note ?? null,
      values.createdBy ?? null,
      values.createdAt,
    ],
  );
  return row!;
}

export async function fundEntryById(db: Db, id: number): Promise<FundEntryRow | undefined> {
  return sqlOf(db).get<FundEntryRow>(`SELECT ${COLUMNS} FROM fund_entries WHERE id = ?`, [id]);
}

/** The reversal of an entry, if it has one (at most one: reverses_id is unique). */
export async function reversalOf(db: Db, id: number): Promise<FundEntryRow | undefined> {
  return sqlOf(db).get<FundEntryRow>(`SELECT ${COLUMNS} FROM fund_entries WHERE reverses_id = ?`, [id]);
}

const NOT_REVERSED = 'NOT EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses_id = e.id)';

/** The purchase cost entries of a stock movement that no reversal has undone. */
export async function liveCostsOfMovement(db: Db, movementId: number): Promise<FundEntryRow[]> {
  return sqlOf(db).all<FundEntryRow>(
    `SELECT ${E_COLUMNS} FROM fund_entries e WHERE e.movement_id = ? AND e.kind = 'purchase' AND ${NOT_REVERSED} ORDER BY e.id`,
    [movementId],
  );
}

export interface MovementForCost {
  id: number;
  goodsId: number;
  storeAreaId: number;
  kind: MovementKind;
  quantity: number;
  createdAt: number;
  goodsName: string;
  unit: string;
}

/** A stock movement with its goods' store, for costing a purchase. */
export async function movementForCost(db: Db, movementId: number): Promise<MovementForCost | undefined> {
  return sqlOf(db).get<MovementForCost>(
    `SELECT m.id, m.goods_id AS "goodsId", m.store_area_id AS "storeAreaId", m.kind, m.quantity, m.created_at AS "createdAt",
            g.name AS "goodsName", g.unit
       FROM stock_movements m JOIN goods g ON g.id = m.goods_id
      WHERE m.id = ?`,
    [movementId],
  );
}

export interface FundEntryListItem extends FundEntryRow {
  goodsName: string | null;
  createdByName: string | null;
  reversedBy: number | null;
}

/** A page of a store's entries (newest book day first), optionally of one month, and how many match. */
export async function listFundEntriesOfStore(
  db: Db,
  f: { storeAreaId: number; fromDay?: string; toDay?: string; limit: number; offset: number },
): Promise<{ items: FundEntryListItem[]; total: number }> {
  const q = sqlOf(db);
  let where = 'e.store_area_id = ?';
  const params: SqlParam[] = [f.storeAreaId];
  if (f.fromDay) {
    where += ' AND e.on_day >= ?';
    params.push(f.fromDay);
  }
  if (f.toDay) {
    where += ' AND e.on_day <= ?';
    params.push(f.toDay);
  }
  const rows = await q.all<Omit<FundEntryListItem, 'reversedBy'>>(
    `SELECT ${E_COLUMNS}, g.name AS "goodsName", COALESCE(u.display_name, u.username) AS "createdByName"
       FROM fund_entries e
       LEFT JOIN goods g ON g.id = e.goods_id
       LEFT JOIN users u ON u.id = e.created_by
      WHERE ${where}
      ORDER BY e.on_day DESC, e.id DESC
      LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset],
  );
  const reversals = rows.length
    ? await q.all<{ id: number; reversesId: number }>(
        `SELECT id, reverses_id AS "reversesId" FROM fund_entries WHERE reverses_id IN (${rows.map(() => '?').join(', ')})`,
        rows.map((r) => r.id),
      )
    : [];
  const reversedBy = new Map(reversals.map((r) => [r.reversesId, r.id]));
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM fund_entries e WHERE ${where}`, params);
  return { items: rows.map((r) => ({ ...r, reversedBy: reversedBy.get(r.id) ?? null })), total: total?.n ?? 0 };
}

/** An entry with the kind and source of what it reverses (for a reversal) — the statement's classification. */
export interface BookedEntry {
  id: number;
  kind: FundEntryKind;
  amountFen: number;
  onDay: string;
  /** For a reversal, the kind of the entry it reverses; otherwise the entry's own kind. */
  effectiveKind: 'funding' | 'purchase';
  source: FundSource | null;
}

/** Every entry of a store booked before a day (exclusive), from a day when given, in id order. */
export async function fundEntriesOfStore(db: Db, storeAreaId: number, range: { fromDay?: string; beforeDay: string }): Promise<BookedEntry[]> {
  return bookedEntries(sqlOf(db), storeAreaId, range);
}

/** `fundEntriesOfStore` on a neutral SQL handle (month closes and verify). */
export async function bookedEntries(q: Sql, storeAreaId: number, range: { fromDay?: string; beforeDay: string }): Promise<BookedEntry[]> {
  return bookedEntriesOfStores(q, [storeAreaId], range);
}

/** `bookedEntries` of several stores (at most IN_CHUNK) in one query, in id order; each row says its store. */
export async function bookedEntriesOfStores(
  q: Sql,
  storeAreaIds: readonly number[],
  range: { fromDay?: string; beforeDay: string },
): Promise<(BookedEntry & { storeAreaId: number })[]> {
  const params: SqlParam[] = [...storeAreaIds];
  let where = `e.store_area_id IN (${storeAreaIds.map(() => '?').join(', ')})`;
  if (range.fromDay) {
    where += ' AND e.on_day >= ?';
    params.push(range.fromDay);
  }
  where += ' AND e.on_day < ?';
  params.push(range.beforeDay);
  const rows = await q.all<{
    storeAreaId: number;
    id: number;
    kind: FundEntryKind;
    amountFen: number;
    onDay: string;
    source: FundSource | null;
    originalKind: FundEntryKind | null;
    originalSource: FundSource | null;
  }>(
    `SELECT e.store_area_id AS "storeAreaId", e.id, e.kind, e.amount_fen AS "amountFen", e.on_day AS "onDay", e.source, o.kind AS "originalKind", o.source AS "originalSource"
       FROM fund_entries e LEFT JOIN fund_entries o ON o.id = e.reverses_id
      WHERE ${where}
      ORDER BY e.id`,
    params,
  );
  return rows.map((r) => {
    const effectiveKind = (r.kind === 'reversal' ? r.originalKind : r.kind) as 'funding' | 'purchase';
    return {
      storeAreaId: r.storeAreaId,
      id: r.id,
      kind: r.kind,
      amountFen: r.amountFen,
      onDay: r.onDay,
      effectiveKind,
      source: r.kind === 'reversal' ? r.originalSource : r.source,
    };
  });
}

/** The purchase costs (net of reversals) of a store's purchase movements, by movement id. */
export async function liveMovementCosts(db: Db, storeAreaId: number): Promise<Map<number, number>> {
  return liveCostsAfter(sqlOf(db), storeAreaId, 0);
}

/** `liveMovementCosts` of the movements after `afterMovementId` only (what follows a month close). */
export async function liveCostsAfter(q: Sql, storeAreaId: number, afterMovementId: number): Promise<Map<number, number>> {
  return costsByMovement(await liveCostsOfStoresAfter(q, [storeAreaId], afterMovementId));
}

export interface LiveCost {
  storeAreaId: number;
  movementId: number | null;
  costFen: number;
}

/** The live purchase cost entries of several stores (at most IN_CHUNK) for movements after `afterMovementId`, in id order. */
export async function liveCostsOfStoresAfter(q: Sql, storeAreaIds: readonly number[], afterMovementId: number): Promise<LiveCost[]> {
  return q.all<LiveCost>(
    `SELECT e.store_area_id AS "storeAreaId", e.movement_id AS "movementId", -e.amount_fen AS "costFen" FROM fund_entries e
      WHERE e.store_area_id IN (${storeAreaIds.map(() => '?').join(', ')}) AND e.kind = 'purchase' AND ${afterMovementId > 0 ? 'e.movement_id > ? AND ' : ''}${NOT_REVERSED}
      ORDER BY e.id`,
    afterMovementId > 0 ? [...storeAreaIds, afterMovementId] : [...storeAreaIds],
  );
}

/** Cost entries summed by movement, of the movements after `afterMovementId` (0: all). */
export function costsByMovement(rows: readonly Pick<LiveCost, 'movementId' | 'costFen'>[], afterMovementId = 0): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of rows) if (r.movementId != null && r.movementId > afterMovementId) out.set(r.movementId, (out.get(r.movementId) ?? 0) + r.costFen);
  return out;
}
