import { eq } from 'drizzle-orm';
import { areas, awards } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';

export type AwardRow = typeof awards.$inferSelect;

/** An award in the actor's area (404 otherwise), with its village's path. */
export function loadAward(ctx: Ctx, awardId: number): AwardRow & { villagePath: string } {
  const row = ctx.db.select({ award: awards, villagePath: areas.path }).from(awards).innerJoin(areas, eq(areas.id, awards.villageId)).where(eq(awards.id, awardId)).get();
  if (!row || !pathWithin(ctx.actor, row.villagePath)) throw new NotFound('申报不存在');
  return { ...row.award, villagePath: row.villagePath };
}
