import { areaById, storeAreas } from '../../../db/areas';
import { readDb } from '../../../db/client';
import { listGoodsOfStores } from '../../../db/goods/goods';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import type { ListGoodsQuery } from './schemas';
import { canSeeStore, clerkStoreId } from './stores';

/**
 * Goods of one store, or of every store the actor can see: a clerk its own store's shelf only; a household
 * its village's store and its township's (each item names its store); staff every store in their area and
 * the township store above their village.
 */
export async function listGoods(ctx: Ctx, query: ListGoodsQuery) {
  const db = readDb(ctx.db);
  let storeIds: number[];
  if (query.storeAreaId) {
    const store = await areaById(db, query.storeAreaId);
    if (!store || !canSeeStore(ctx.actor, store)) throw new NotFound('超市不存在');
    storeIds = [store.id];
  } else {
    const own = clerkStoreId(ctx.actor);
    storeIds = own !== null ? [own] : (await storeAreas(db)).filter((a) => canSeeStore(ctx.actor, a)).map((a) => a.id);
  }
  return listGoodsOfStores(db, {
    storeIds,
    includeInactive: query.includeInactive === '1',
    nameContains: query.q,
    limit: query.limit,
    offset: query.offset,
  });
}
