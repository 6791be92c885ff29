import { and, count, desc, eq, inArray } from 'drizzle-orm';
import { areas, donations, goods, stockMovements } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import type { ListMovementsQuery } from './schemas';
import { getManagedGoods, getManagedStore } from './stores';

export function listMovements(ctx: Ctx, query: ListMovementsQuery) {
  let storeIds: number[];
  if (query.goodsId) storeIds = [getManagedGoods(ctx, query.goodsId).storeAreaId];
  else if (query.storeAreaId) storeIds = [getManagedStore(ctx, query.storeAreaId).id];
  else
    storeIds = ctx.db
      .select({ id: areas.id, path: areas.path })
      .from(areas)
      .all()
      .filter((a) => a.path.startsWith(ctx.actor.areaPath))
      .map((a) => a.id);
  const where = and(inArray(stockMovements.storeAreaId, storeIds), query.goodsId ? eq(stockMovements.goodsId, query.goodsId) : undefined);
  const items = ctx.db
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
    .limit(query.limit)
    .offset(query.offset)
    .all();
  const total = ctx.db.select({ n: count() }).from(stockMovements).where(where).get()?.n ?? 0;
  return { items, total };
}
