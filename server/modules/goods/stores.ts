import { areaById, type AreaRow } from '../../../db/areas';
import type { Db } from '../../../db/client';
import { goodsWithStorePath, type GoodsRow } from '../../../db/goods/goods';
import type { Ctx } from '../../lib/context';
import { Invalid, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';

/** A store the actor may manage: a village or township at or below the actor's area. */
export async function getManagedStore(db: Db, actor: Ctx['actor'], storeAreaId: number): Promise<AreaRow> {
  const area = await areaById(db, storeAreaId);
  if (!area || !pathWithin(actor, area.path)) throw new NotFound('超市不存在');
  if (area.kind !== 'village' && area.kind !== 'township') throw new Invalid('超市只能设在村或乡镇', undefined, 'invalid_store');
  return area;
}

/** Stores the actor may read: those it manages, and the township store above its village. */
export function canSeeStore(actor: Ctx['actor'], storePath: string): boolean {
  return pathWithin(actor, storePath) || actor.areaPath.startsWith(storePath);
}

/** Goods of a store the actor may manage, with the store's path; otherwise 404. */
export async function getManagedGoods(db: Db, actor: Ctx['actor'], goodsId: number): Promise<GoodsRow & { storePath: string; storeKind: AreaRow['kind'] }> {
  const row = await goodsWithStorePath(db, goodsId);
  if (!row || !pathWithin(actor, row.storePath)) throw new NotFound('商品不存在');
  return row;
}
