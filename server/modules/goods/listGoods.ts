import { and, asc, count, eq, inArray, like } from 'drizzle-orm';
import { areas, goods } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import type { ListGoodsQuery } from './schemas';
import { canSeeStore } from './stores';

/** Goods of one store, or of every store the actor can see (including the township store above its village). */
export function listGoods(ctx: Ctx, query: ListGoodsQuery) {
  let storeIds: number[];
  if (query.storeAreaId) {
    const store = ctx.db.select().from(areas).where(eq(areas.id, query.storeAreaId)).get();
    if (!store || !canSeeStore(ctx, store.path)) throw new NotFound('超市不存在');
    storeIds = [store.id];
  } else {
    const ancestors = ctx.actor.areaPath.split('/').filter(Boolean).map(Number);
    storeIds = ctx.db
      .select({ id: areas.id, path: areas.path })
      .from(areas)
      .where(inArray(areas.kind, ['village', 'township']))
      .all()
      .filter((a) => a.path.startsWith(ctx.actor.areaPath) || ancestors.includes(a.id))
      .map((a) => a.id);
  }
  if (!storeIds.length) return { items: [], total: 0 };
  const q = query.q?.replace(/[%_\\]/g, '');
  const where = and(
    inArray(goods.storeAreaId, storeIds),
    query.includeInactive === '1' ? undefined : eq(goods.active, true),
    q ? like(goods.name, `%${q}%`) : undefined,
  );
  const items = ctx.db
    .select({
      id: goods.id,
      storeAreaId: goods.storeAreaId,
      storeName: areas.name,
      name: goods.name,
      category: goods.category,
      price: goods.price,
      unit: goods.unit,
      stock: goods.stock,
      monthlyLimit: goods.monthlyLimit,
      active: goods.active,
    })
    .from(goods)
    .innerJoin(areas, eq(areas.id, goods.storeAreaId))
    .where(where)
    .orderBy(asc(goods.storeAreaId), asc(goods.category), asc(goods.price), asc(goods.id))
    .limit(query.limit)
    .offset(query.offset)
    .all();
  const total = ctx.db.select({ n: count() }).from(goods).where(where).get()?.n ?? 0;
  return { items, total };
}
