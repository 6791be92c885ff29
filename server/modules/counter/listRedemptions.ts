import { and, count, desc, eq, inArray } from 'drizzle-orm';
import { areas, households, redemptions } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { villageIdsInScopeSync } from '../../lib/scope';
import type { ListRedemptionsQuery } from './schemas';

export function listRedemptions(ctx: Ctx, query: ListRedemptionsQuery) {
  const villageIds = villageIdsInScopeSync(ctx);
  if (!villageIds.length) return { items: [], total: 0 };
  const where = and(
    inArray(redemptions.villageId, villageIds),
    ctx.actor.role === 'household' ? eq(redemptions.householdId, ctx.actor.householdId ?? -1) : undefined,
    ctx.actor.role === 'clerk' ? eq(redemptions.clerkId, ctx.actor.userId) : undefined,
    query.householdId ? eq(redemptions.householdId, query.householdId) : undefined,
  );
  const items = ctx.db
    .select({
      id: redemptions.id,
      householdId: redemptions.householdId,
      headName: households.headName,
      villageName: areas.name,
      points: redemptions.points,
      balanceAfter: redemptions.balanceAfter,
      via: redemptions.via,
      createdAt: redemptions.createdAt,
    })
    .from(redemptions)
    .innerJoin(households, eq(households.id, redemptions.householdId))
    .innerJoin(areas, eq(areas.id, redemptions.villageId))
    .where(where)
    .orderBy(desc(redemptions.id))
    .limit(query.limit)
    .offset(query.offset)
    .all();
  const total = ctx.db.select({ n: count() }).from(redemptions).where(where).get()?.n ?? 0;
  return { items, total };
}
