import type { Db } from '../client';
import type { MovementKind } from '../goods/stock';
import { sqlOf, type Sql } from '../sql';

export interface ValuedMovement {
  id: number;
  goodsId: number;
  goodsName: string;
  unit: string;
  kind: MovementKind;
  /** Signed, as stored. */
  quantity: number;
  createdAt: number;
  donationId: number | null;
  /** A donation's estimated value in fen for its whole quantity (null when none was given). */
  donationValueFen: number | null;
  donationQuantity: number | null;
  redemptionId: number | null;
  /** Points per unit of the redemption line this movement belongs to (redemption or return). */
  pricePoints: number | null;
}

const VALUED = `SELECT m.id, m.goods_id AS "goodsId", g.name AS "goodsName", g.unit, m.kind, m.quantity, m.created_at AS "createdAt",
            m.donation_id AS "donationId", d.amount_fen AS "donationValueFen", d.quantity AS "donationQuantity",
            m.redemption_id AS "redemptionId", i.price AS "pricePoints"
       FROM stock_movements m
       JOIN goods g ON g.id = m.goods_id
       LEFT JOIN donations d ON d.id = m.donation_id
       LEFT JOIN redemption_items i ON i.redemption_id = m.redemption_id AND i.goods_id = m.goods_id`;

/** Every stock movement of a store's goods before a moment, oldest first: the input of the FIFO valuation. */
export async function movementsOfStoreBefore(db: Db, storeAreaId: number, beforeMs: number): Promise<ValuedMovement[]> {
  return sqlOf(db).all<ValuedMovement>(`${VALUED} WHERE m.store_area_id = ? AND m.created_at < ? ORDER BY m.id`, [storeAreaId, beforeMs]);
}

/**
 * The store's movements after a month close's last one (`afterId`) and before a moment, oldest first.
 * Reached through the store's goods and the (goods_id, id) index, so only what follows the close is read.
 */
export async function movementsOfStoreAfter(q: Sql, storeAreaId: number, afterId: number, beforeMs: number): Promise<ValuedMovement[]> {
  return movementsOfStoresAfter(q, [storeAreaId], afterId, beforeMs);
}

/** `movementsOfStoreAfter` of several stores (at most IN_CHUNK) in one query; each row says its store. */
export async function movementsOfStoresAfter(q: Sql, storeAreaIds: readonly number[], afterId: number, beforeMs: number): Promise<(ValuedMovement & { storeAreaId: number })[]> {
  const ids = storeAreaIds.map(() => '?').join(', ');
  return q.all<ValuedMovement & { storeAreaId: number }>(
    `${VALUED.replace('SELECT m.id,', 'SELECT m.store_area_id AS "storeAreaId", m.id,')}
      WHERE m.goods_id IN (SELECT id FROM goods WHERE store_area_id IN (${ids})) AND m.store_area_id = g.store_area_id AND m.id > ? AND m.created_at < ? ORDER BY m.id`,
    [...storeAreaIds, afterId, beforeMs],
  );
}
