import { areaById, type AreaRow } from '../../../db/areas';
import type { Db } from '../../../db/client';
import { goodsWithStorePath, type GoodsRow } from '../../../db/goods/goods';
import type { Actor } from '../../lib/context';
import { Invalid, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';

/**
 * The store a clerk stands in: its own area (a village store, or a township store). A clerk serves that
 * store only — a township clerk never touches a village store's goods below it, nor a village clerk the
 * township store above it. Null for every other role.
 */
export function clerkStoreId(actor: Pick<Actor, 'role' | 'areaId'>): number | null {
  return actor.role === 'clerk' ? actor.areaId : null;
}

/** Whether the actor keeps this store: a clerk its own store only, cadres and above every store in their area. */
export function keepsStore(actor: Pick<Actor, 'role' | 'areaId' | 'areaPath'>, store: { id: number; path: string }): boolean {
  const own = clerkStoreId(actor);
  return own !== null ? store.id === own : store.path.startsWith(actor.areaPath);
}

/** A store the actor may manage: a village or township it keeps. */
export async function getManagedStore(db: Db, actor: Actor, storeAreaId: number): Promise<AreaRow> {
  const area = await areaById(db, storeAreaId);
  if (!area || !keepsStore(actor, area)) throw new NotFound('超市不存在');
  if (area.kind !== 'village' && area.kind !== 'township') throw new Invalid('超市只能设在村或乡镇', undefined, 'invalid_store');
  return area;
}

/**
 * Stores the actor may read: those it keeps, and (for everyone but a clerk) the township store above its
 * village — where its households may also redeem.
 */
export function canSeeStore(actor: Actor, store: { id: number; path: string }): boolean {
  if (clerkStoreId(actor) !== null) return keepsStore(actor, store);
  return pathWithin(actor, store.path) || actor.areaPath.startsWith(store.path);
}

/** Goods of a store the actor keeps, with the store's path; otherwise 404. */
export async function getManagedGoods(db: Db, actor: Actor, goodsId: number): Promise<GoodsRow & { storePath: string; storeKind: AreaRow['kind'] }> {
  const row = await goodsWithStorePath(db, goodsId);
  if (!row || !keepsStore(actor, { id: row.storeAreaId, path: row.storePath })) throw new NotFound('商品不存在');
  return row;
}
