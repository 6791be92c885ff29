import { and, count, desc, eq, inArray } from 'drizzle-orm';
import { areas, awards, households, objections, rules } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { villageIdsInScopeSync } from '../../lib/scope';
import type { ListObjectionsQuery } from './schemas';

/** The reviewers' queue of objections raised during public notice. */
export function listObjections(ctx: Ctx, query: ListObjectionsQuery) {
  const villageIds = villageIdsInScopeSync(ctx);
  if (!villageIds.length) return { items: [], total: 0 };
  const where = and(inArray(awards.villageId, villageIds), query.status ? eq(objections.status, query.status) : undefined);
  const items = ctx.db
    .select({
      id: objections.id,
      awardId: objections.awardId,
      reason: objections.reason,
      status: objections.status,
      resolution: objections.resolution,
      createdAt: objections.createdAt,
      resolvedAt: objections.resolvedAt,
      headName: households.headName,
      villageName: areas.name,
      ruleName: rules.name,
      points: awards.points,
      awardStatus: awards.status,
      noticeEndsAt: awards.noticeEndsAt,
    })
    .from(objections)
    .innerJoin(awards, eq(awards.id, objections.awardId))
    .innerJoin(households, eq(households.id, awards.householdId))
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .innerJoin(rules, eq(rules.id, awards.ruleId))
    .where(where)
    .orderBy(desc(objections.id))
    .limit(query.limit)
    .offset(query.offset)
    .all();
  const total = ctx.db.select({ n: count() }).from(objections).innerJoin(awards, eq(awards.id, objections.awardId)).where(where).get()?.n ?? 0;
  return { items, total };
}
