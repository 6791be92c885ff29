import type { Db } from '../client';
import { sqlOf, type SqlParam } from '../sql';

export type RedemptionVia = 'pass' | 'card';

export interface RedemptionListItem {
  id: number;
  householdId: number;
  headName: string;
  doorNo: string | null;
  villageName: string;
  storeAreaId: number;
  storeName: string;
  points: number;
  balanceAfter: number;
  via: RedemptionVia;
  createdAt: number;
}

export interface RedemptionFilter {
  villageIds: readonly number[];
  householdId?: number;
  clerkId?: number;
  storeAreaId?: number;
  /** Only redemptions at or after this instant (e.g. the start of today). */
  since?: number;
  limit: number;
  offset: number;
}

/** The columns of a redemption's list row, from `redemptions r` joined to `households h`, village `a` and store `s`. */
const LIST_COLUMNS = `r.id, r.household_id AS "householdId", h.head_name AS "headName", h.door_no AS "doorNo", a.name AS "villageName",
  r.store_area_id AS "storeAreaId", s.name AS "storeName", r.points, r.balance_after AS "balanceAfter", r.via, r.created_at AS "createdAt"`;
const JOINS = `JOIN households h ON h.id = r.household_id
  JOIN areas a ON a.id = r.village_id
  JOIN areas s ON s.id = r.store_area_id`;

/** A page of the redemptions of some villages (newest first), narrowed by household, clerk, store or time, and the total. */
export async function listRedemptionsOf(db: Db, f: RedemptionFilter): Promise<{ items: RedemptionListItem[]; total: number }> {
  if (!f.villageIds.length) return { items: [], total: 0 };
  const q = sqlOf(db);
  const conditions = [`r.village_id IN (${f.villageIds.map(() => '?').join(', ')})`];
  const params: SqlParam[] = [...f.villageIds];
  const narrow = (condition: string, value: number | undefined) => {
    if (value === undefined) return;
    conditions.push(condition);
    params.push(value);
  };
  narrow('r.household_id = ?', f.householdId);
  narrow('r.clerk_id = ?', f.clerkId);
  narrow('r.store_area_id = ?', f.storeAreaId);
  narrow('r.created_at >= ?', f.since);
  const where = conditions.join(' AND ');
  const items = await q.all<RedemptionListItem>(`SELECT ${LIST_COLUMNS} FROM redemptions r ${JOINS} WHERE ${where} ORDER BY r.id DESC LIMIT ? OFFSET ?`, [
    ...params,
    f.limit,
    f.offset,
  ]);
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM redemptions r WHERE ${where}`, params);
  return { items, total: total?.n ?? 0 };
}

export interface RedemptionReceipt extends RedemptionListItem {
  villageId: number;
  villagePath: string;
  clerkId: number;
  items: { goodsId: number; name: string; unit: string; quantity: number; price: number; points: number }[];
}

/** One redemption with its lines, household, village path (for the scope check) and store: a receipt to print again. */
export async function redemptionReceipt(db: Db, id: number): Promise<RedemptionReceipt | undefined> {
  const q = sqlOf(db);
  const head = await q.get<Omit<RedemptionReceipt, 'items'>>(
    `SELECT r.id, r.household_id AS "householdId", h.head_name AS "headName", h.door_no AS "doorNo", r.village_id AS "villageId",
            a.name AS "villageName", a.path AS "villagePath", r.store_area_id AS "storeAreaId", s.name AS "storeName", r.clerk_id AS "clerkId",
            r.points, r.balance_after AS "balanceAfter", r.via, r.created_at AS "createdAt"
       FROM redemptions r ${JOINS} WHERE r.id = ?`,
    [id],
  );
  if (!head) return undefined;
  const items = await q.all<RedemptionReceipt['items'][number]>(
    `SELECT i.goods_id AS "goodsId", g.name, g.unit, i.quantity, i.price, i.points
       FROM redemption_items i JOIN goods g ON g.id = i.goods_id
      WHERE i.redemption_id = ?
      ORDER BY i.goods_id`,
    [id],
  );
  return { ...head, items };
}
