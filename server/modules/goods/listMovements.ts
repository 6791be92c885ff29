import { areasUnder } from '../../../db/areas';
import { readDb } from '../../../db/client';
import { listMovementsOfStores } from '../../../db/goods/movements';
import type { Ctx } from '../../lib/context';
import type { ListMovementsQuery } from './schemas';
import { clerkStoreId, getManagedGoods, getManagedStore } from './stores';

export async function listMovements(ctx: Ctx, query: ListMovementsQuery) {
  const db = readDb(ctx.db);
  let storeIds: number[];
  if (query.goodsId) storeIds = [(await getManagedGoods(db, ctx.actor, query.goodsId)).storeAreaId];
  else if (query.storeAreaId) storeIds = [(await getManagedStore(db, ctx.actor, query.storeAreaId)).id];
  else storeIds = clerkStoreId(ctx.actor) !== null ? [ctx.actor.areaId] : (await areasUnder(db, ctx.actor.areaPath)).map((a) => a.id);
  return listMovementsOfStores(db, { storeIds, goodsId: query.goodsId, limit: query.limit, offset: query.offset });
}
