import { and, count, desc, eq, like } from 'drizzle-orm';
import { areas, households, ledgerEntries, rectifications, rules } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import type { ListRectificationsQuery } from './schemas';

/** Rectifications in the actor's area, newest first, with the household and the conduct they concern. */
export function listRectifications(ctx: Ctx, q: ListRectificationsQuery) {
  const where = and(
    like(areas.path, `${ctx.actor.areaPath}%`),
    q.status ? eq(rectifications.status, q.status) : undefined,
    q.villageId ? eq(rectifications.villageId, q.villageId) : undefined,
  );
  const rows = ctx.db
    .select({
      r: rectifications,
      village: areas.name,
      headName: households.headName,
      conduct: rules.name,
      occurredOn: ledgerEntries.occurredOn,
      points: ledgerEntries.conductPoints,
    })
    .from(rectifications)
    .innerJoin(areas, eq(areas.id, rectifications.villageId))
    .innerJoin(households, eq(households.id, rectifications.householdId))
    .innerJoin(ledgerEntries, eq(ledgerEntries.id, rectifications.ledgerEntryId))
    .leftJoin(rules, eq(rules.id, ledgerEntries.ruleId))
    .where(where)
    .orderBy(desc(rectifications.id))
    .limit(q.limit)
    .offset(q.offset)
    .all();
  const total = ctx.db.select({ n: count() }).from(rectifications).innerJoin(areas, eq(areas.id, rectifications.villageId)).where(where).get()?.n ?? 0;
  return {
    items: rows.map((x) => ({
      ...x.r,
      village: x.village,
      headName: x.headName,
      conduct: x.conduct ?? '',
      occurredOn: x.occurredOn,
      points: -x.points,
      mine: x.r.proposedBy === ctx.actor.userId,
    })),
    total,
  };
}
