import { and, eq, like } from 'drizzle-orm';
import { areas, households } from '../../db/schema';
import type { Ctx } from './context';
import { NotFound } from './errors';

export type AreaRow = typeof areas.$inferSelect;
export type HouseholdRow = typeof households.$inferSelect;

export function pathWithin(actor: Ctx['actor'], path: string): boolean {
  return path.startsWith(actor.areaPath);
}

/** The area if it lies within the actor's area; otherwise 404, so ids outside reveal nothing. */
export function getAreaInScope(ctx: Ctx, areaId: number): AreaRow {
  const area = ctx.db.select().from(areas).where(eq(areas.id, areaId)).get();
  if (!area || !pathWithin(ctx.actor, area.path)) throw new NotFound('区域不存在');
  return area;
}

export function getVillageInScope(ctx: Ctx, villageId: number): AreaRow {
  const area = getAreaInScope(ctx, villageId);
  if (area.kind !== 'village') throw new NotFound('村不存在');
  return area;
}

/** Ids of the villages at or below the actor's area. */
export function villageIdsInScope(ctx: Ctx): number[] {
  return ctx.db
    .select({ id: areas.id })
    .from(areas)
    .where(and(eq(areas.kind, 'village'), like(areas.path, `${ctx.actor.areaPath}%`)))
    .all()
    .map((r) => r.id);
}

/** A household the actor may see: a household user sees only its own. */
export function getHouseholdInScope(ctx: Ctx, householdId: number): HouseholdRow & { villagePath: string } {
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
