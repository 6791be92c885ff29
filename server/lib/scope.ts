import { areaById, householdWithVillagePath, villageIdsUnder, type AreaRow } from '../../db/areas';
import type { Db } from '../../db/client';
import type { HouseholdRow } from '../../db/households/households';
import type { Actor, Ctx } from './context';
import { NotFound } from './errors';

export type { AreaRow, HouseholdRow };

export function pathWithin(actor: Ctx['actor'], path: string): boolean {
  return path.startsWith(actor.areaPath);
}

/** The area if it lies within the actor's area; otherwise 404, so ids outside reveal nothing. */
export async function getAreaInScope(db: Db, actor: Actor, areaId: number): Promise<AreaRow> {
  const area = await areaById(db, areaId);
  if (!area || !pathWithin(actor, area.path)) throw new NotFound('区域不存在');
  return area;
}

export async function getVillageInScope(db: Db, actor: Actor, villageId: number): Promise<AreaRow> {
  const area = await getAreaInScope(db, actor, villageId);
  if (area.kind !== 'village') throw new NotFound('村不存在');
  return area;
}

/** Ids of the villages at or below the actor's area. */
export function villageIdsInScope(db: Db, actor: Actor): Promise<number[]> {
  return villageIdsUnder(db, actor.areaPath);
}

/** A household the actor may see: a household user sees only its own. */
export async function getHouseholdInScope(db: Db, actor: Actor, householdId: number): Promise<HouseholdRow & { villagePath: string }> {
  if (actor.role === 'household' && actor.householdId !== householdId) throw new NotFound('农户不存在');
  const row = await householdWithVillagePath(db, householdId);
  if (!row || !pathWithin(actor, row.villagePath)) throw new NotFound('农户不存在');
  return row;
}
