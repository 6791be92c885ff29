import { and, count, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { donations, goods, stockMovements } from '../schema';
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
  const where = and(inArray(stockMovements.storeAreaId, [...f.storeIds]), f.goodsId ? eq(stockMovements.goodsId, f.goodsId) : undefined);
  const items = db
    .select({
      id: stockMovements.id,
      goodsId: stockMovements.goodsId,
      goodsName: goods.name,
      unit: goods.unit,
      kind: stockMovements.kind,
      quantity: stockMovements.quantity,
      stockAfter: stockMovements.stockAfter,
      donor: donations.donorName,
      redemptionId: stockMovements.redemptionId,
      note: stockMovements.note,
      createdAt: stockMovements.createdAt,
    })
    .from(stockMovements)
    .innerJoin(goods, eq(goods.id, stockMovements.goodsId))
    .leftJoin(donations, eq(donations.id, stockMovements.donationId))
    .where(where)
    .orderBy(desc(stockMovements.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(stockMovements).where(where).get()?.n ?? 0;
  return { items, total };
}
