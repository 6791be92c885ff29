import { areaById, storeAreas } from '../../../db/areas';
import { readDb } from '../../../db/client';
import { listGoodsOfStores } from '../../../db/goods/goods';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import type { ListGoodsQuery } from './schemas';
import { canSeeStore } from './stores';

/** Goods of one store, or of every store the actor can see (including the township store above its village). */
export async function listGoods(ctx: Ctx, query: ListGoodsQuery) {
  const db = readDb(ctx.db);
  let storeIds: number[];
  if (query.storeAreaId) {
    const store = await areaById(db, query.storeAreaId);
    if (!store || !canSeeStore(ctx.actor, store.path)) throw new NotFound('超市不存在');
    storeIds = [store.id];
  } else {
    const ancestors = ctx.actor.areaPath.split('/').filter(Boolean).map(Number);
    storeIds = (await storeAreas(db)).filter((a) => a.path.startsWith(ctx.actor.areaPath) || ancestors.includes(a.id)).map((a) => a.id);
  }
  return listGoodsOfStores(db, {
    storeIds,
    includeInactive: query.includeInactive === '1',
    nameContains: query.q,
    limit: query.limit,
    offset: query.offset,
  });
}
