import { and, eq, like } from 'drizzle-orm';
import { areas, households } from '../../db/schema';
import { areaById, householdWithVillagePath, villageIdsUnder } from '../../db/areas';
import type { Db } from '../../db/client';
import type { Actor } from './context';
import type { Ctx } from './context';
import { NotFound } from './errors';

export type AreaRow = typeof areas.$inferSelect;
export type HouseholdRow = typeof households.$inferSelect;

export function pathWithin(actor: Ctx['actor'], path: string): boolean {
  return path.startsWith(actor.areaPath);
}

/** The area if it lies within the actor's area; otherwise 404, so ids outside reveal nothing. */
/** @deprecated synchronous; use getAreaInScope. */
export function getAreaInScopeSync(ctx: Ctx, areaId: number): AreaRow {
  const area = ctx.db.select().from(areas).where(eq(areas.id, areaId)).get();
  if (!area || !pathWithin(ctx.actor, area.path)) throw new NotFound('区域不存在');
  return area;
}

/** @deprecated synchronous; use getVillageInScope. */
export function getVillageInScopeSync(ctx: Ctx, villageId: number): AreaRow {
  const area = getAreaInScopeSync(ctx, villageId);
  if (area.kind !== 'village') throw new NotFound('村不存在');
  return area;
}

/** Ids of the villages at or below the actor's area. */
/** @deprecated synchronous; use villageIdsInScope. */
export function villageIdsInScopeSync(ctx: Ctx): number[] {
  return ctx.db
    .select({ id: areas.id })
    .from(areas)
    .where(and(eq(areas.kind, 'village'), like(areas.path, `${ctx.actor.areaPath}%`)))
    .all()
    .map((r) => r.id);
}

/** A household the actor may see: a household user sees only its own. */
/** @deprecated synchronous; use getHouseholdInScope. */
export function getHouseholdInScopeSync(ctx: Ctx, householdId: number): HouseholdRow & { villagePath: string } {
  if (ctx.actor.role === 'household' && ctx.actor.householdId !== householdId) throw new NotFound('农户不存在');
  const row = ctx.db
    .select({ household: households, villagePath: areas.path })
    .from(households)
    .innerJoin(areas, eq(areas.id, households.villageId))
    .where(eq(households.id, householdId))
    .get();
  if (!row || !pathWithin(ctx.actor, row.villagePath)) throw new NotFound('农户不存在');
  return { ...row.household, villagePath: row.villagePath };
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
