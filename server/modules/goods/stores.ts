import { eq } from 'drizzle-orm';
import { areas, goods } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { Invalid, NotFound } from '../../lib/errors';
import { pathWithin, type AreaRow } from '../../lib/scope';

/** A store the actor may manage: a village or township at or below the actor's area. */
export function getManagedStore(ctx: Ctx, storeAreaId: number): AreaRow {
  const area = ctx.db.select().from(areas).where(eq(areas.id, storeAreaId)).get();
  if (!area || !pathWithin(ctx.actor, area.path)) throw new NotFound('超市不存在');
  if (area.kind !== 'village' && area.kind !== 'township') throw new Invalid('超市只能设在村或乡镇', undefined, 'invalid_store');
  return area;
}

/** Stores the actor may read: those it manages, and the township store above its village. */
export function canSeeStore(ctx: Ctx, storePath: string): boolean {
  return pathWithin(ctx.actor, storePath) || ctx.actor.areaPath.startsWith(storePath);
}

export function getManagedGoods(ctx: Ctx, goodsId: number) {
  const row = ctx.db.select({ goods, storePath: areas.path }).from(goods).innerJoin(areas, eq(areas.id, goods.storeAreaId)).where(eq(goods.id, goodsId)).get();
  if (!row || !pathWithin(ctx.actor, row.storePath)) throw new NotFound('商品不存在');
  return row.goods;
}
