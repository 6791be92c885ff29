import type { Db } from '../client';
import { sqlOf, type SqlParam } from '../sql';
import type { MovementKind } from './stock';

export interface MovementListItem {
  id: number;
  goodsId: number;
  goodsName: string;
  unit: string;
  kind: MovementKind;
  quantity: number;
  stockAfter: number;
  donor: string | null;
  redemptionId: number | null;
  note: string | null;
  createdAt: number;
}

/** A page of the stock movements of some stores (newest first), optionally of one goods, and the total. */
export async function listMovementsOfStores(
  db: Db,
  f: { storeIds: readonly number[]; goodsId?: number; limit: number; offset: number },
): Promise<{ items: MovementListItem[]; total: number }> {
  if (!f.storeIds.length) return { items: [], total: 0 };
  const q = sqlOf(db);
  let where = `m.store_area_id IN (${f.storeIds.map(() => '?').join(', ')})`;
  const params: SqlParam[] = [...f.storeIds];
  if (f.goodsId) {
    where += ' AND m.goods_id = ?';
    params.push(f.goodsId);
  }
  const items = await q.all<MovementListItem>(
    `SELECT m.id, m.goods_id AS "goodsId", g.name AS "goodsName", g.unit, m.kind, m.quantity, m.stock_after AS "stockAfter",
            d.donor_name AS donor, m.redemption_id AS "redemptionId", m.note, m.created_at AS "createdAt"
       FROM stock_movements m
       JOIN goods g ON g.id = m.goods_id
       LEFT JOIN donations d ON d.id = m.donation_id
      WHERE ${where}
      ORDER BY m.id DESC
      LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset],
  );
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM stock_movements m WHERE ${where}`, params);
  return { items, total: total?.n ?? 0 };
}
