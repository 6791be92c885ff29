import { and, asc, eq, lt } from 'drizzle-orm';
import type { Db } from '../client';
import type { MovementKind } from '../goods/stock';
import { donations, goods, redemptionItems, stockMovements } from '../schema';

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

/** Every stock movement of a store's goods before a moment, oldest first: the input of the FIFO valuation. */
export async function movementsOfStoreBefore(db: Db, storeAreaId: number, beforeMs: number): Promise<ValuedMovement[]> {
  return db
    .select({
      id: stockMovements.id,
      goodsId: stockMovements.goodsId,
      goodsName: goods.name,
      unit: goods.unit,
      kind: stockMovements.kind,
      quantity: stockMovements.quantity,
      createdAt: stockMovements.createdAt,
      donationId: stockMovements.donationId,
      donationValueFen: donations.amountFen,
      donationQuantity: donations.quantity,
      redemptionId: stockMovements.redemptionId,
      pricePoints: redemptionItems.price,
    })
    .from(stockMovements)
    .innerJoin(goods, eq(goods.id, stockMovements.goodsId))
    .leftJoin(donations, eq(donations.id, stockMovements.donationId))
    .leftJoin(redemptionItems, and(eq(redemptionItems.redemptionId, stockMovements.redemptionId), eq(redemptionItems.goodsId, stockMovements.goodsId)))
    .where(and(eq(stockMovements.storeAreaId, storeAreaId), lt(stockMovements.createdAt, beforeMs)))
    .orderBy(asc(stockMovements.id))
    .all();
}
