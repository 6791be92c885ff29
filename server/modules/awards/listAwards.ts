import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { areas, awards, households, objections, rules, users } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { getVillageInScopeSync, villageIdsInScopeSync } from '../../lib/scope';
import type { ListAwardsQuery } from './schemas';

const proposer = alias(users, 'proposer');

export function listAwards(ctx: Ctx, query: ListAwardsQuery) {
  const villageIds = query.villageId ? [getVillageInScopeSync(ctx, query.villageId).id] : villageIdsInScopeSync(ctx);
  if (!villageIds.length) return { items: [], total: 0 };
  const where = and(
    inArray(awards.villageId, villageIds),
    ctx.actor.role === 'household' ? eq(awards.householdId, ctx.actor.householdId ?? -1) : undefined,
    query.status ? eq(awards.status, query.status) : undefined,
    query.householdId ? eq(awards.householdId, query.householdId) : undefined,
    query.batchId ? eq(awards.batchId, query.batchId) : undefined,
  );
  const items = ctx.db
    .select({
      id: awards.id,
      householdId: awards.householdId,
      headName: households.headName,
      doorNo: households.doorNo,
      villageId: awards.villageId,
      villageName: areas.name,
      ruleId: awards.ruleId,
      ruleName: rules.name,
      category: rules.category,
      unit: rules.unit,
      quantity: awards.quantity,
      points: awards.points,
      occurredOn: awards.occurredOn,
      memberName: awards.memberName,
      note: awards.note,
      evidenceUrl: awards.evidenceUrl,
      status: awards.status,
      batchId: awards.batchId,
      proposedBy: awards.proposedBy,
      proposerName: sql<string>`COALESCE(${proposer.displayName}, ${proposer.username})`,
      proposedAt: awards.proposedAt,
      reviewedAt: awards.reviewedAt,
      rejectReason: awards.rejectReason,
      noticeEndsAt: awards.noticeEndsAt,
      postedAt: awards.postedAt,
      openObjections: sql<number>`(SELECT COUNT(*) FROM ${objections} WHERE ${objections.awardId} = ${awards.id} AND ${objections.status} = 'open')`,
    })
    .from(awards)
    .innerJoin(households, eq(households.id, awards.householdId))
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .innerJoin(rules, eq(rules.id, awards.ruleId))
    .innerJoin(proposer, eq(proposer.id, awards.proposedBy))
    .where(where)
    .orderBy(desc(awards.id))
    .limit(query.limit)
    .offset(query.offset)
    .all();
  const total = ctx.db.select({ n: count() }).from(awards).where(where).get()?.n ?? 0;
  return { items, total };
}
