import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { areas, awards, householdCards, householdCategoryHistory, householdMembers, householdPeriodScores } from '../../../db/schema';
import { expirableForHousehold } from '../../../db/ledger/expiry';
import { shanghaiDay } from '../../../db/time';
import { resolveSettings } from '../areas/resolveSettings';
import { nextExpiry } from '../ledger/expiryPlan';
import type { Ctx } from '../../lib/context';
import { maskIdNumber, maskPhone } from '../../lib/identity';
import { getHouseholdInScopeSync } from '../../lib/scope';
import { presentHousehold, seesPersonalData } from './present';

/** Everything the household page and the cadre's household view show. */
export async function getHousehold(ctx: Ctx, householdId: number) {
  const h = getHouseholdInScopeSync(ctx, householdId);
  const full = seesPersonalData(ctx.actor, h.id);
  const village = ctx.db.select({ name: areas.name }).from(areas).where(eq(areas.id, h.villageId)).get();
  const group = h.groupId ? ctx.db.select({ name: areas.name }).from(areas).where(eq(areas.id, h.groupId)).get() : undefined;
  const members = ctx.db
    .select()
    .from(householdMembers)
    .where(eq(householdMembers.householdId, h.id))
    .orderBy(asc(householdMembers.id))
    .all()
    .map((m) => ({
      id: m.id,
      name: m.name,
      relation: m.relation,
      isProxy: m.isProxy,
      phone: full ? m.phone : maskPhone(m.phone),
      idNumber: full ? m.idNumber : maskIdNumber(m.idNumber),
    }));
  const categoryHistory = ctx.db
    .select({ category: householdCategoryHistory.category, validFrom: householdCategoryHistory.validFrom, reason: householdCategoryHistory.reason, createdAt: householdCategoryHistory.createdAt })
    .from(householdCategoryHistory)
    .where(eq(householdCategoryHistory.householdId, h.id))
    .orderBy(desc(householdCategoryHistory.id))
    .all();
  const pending = ctx.db
    .select({ status: awards.status, points: sql<number>`COALESCE(SUM(${awards.points}), 0)`, n: sql<number>`COUNT(*)` })
    .from(awards)
    .where(and(eq(awards.householdId, h.id), inArray(awards.status, ['pending', 'notice'])))
    .groupBy(awards.status)
    .all();
  const year = shanghaiDay(ctx.now.getTime()).slice(0, 4);
  const score = ctx.db
    .select({ score: householdPeriodScores.score, earned: householdPeriodScores.earned, deducted: householdPeriodScores.deducted })
    .from(householdPeriodScores)
    .where(and(eq(householdPeriodScores.householdId, h.id), eq(householdPeriodScores.period, year)))
    .get();
  const cards = ctx.db
    .select({ id: householdCards.id, lockedAt: householdCards.lockedAt, createdAt: householdCards.createdAt })
    .from(householdCards)
    .where(and(eq(householdCards.householdId, h.id), isNull(householdCards.revokedAt)))
    .all();
  const settings = await resolveSettings(ctx.db, h.villagePath);
  const next = nextExpiry(settings, ctx.now.getTime());
  const expiring = next ? await expirableForHousehold(ctx.db, h.id, next.cutoff) : 0;
  return {
    ...presentHousehold(ctx.actor, h),
    // Told in advance: how many points will expire on the next expiry day under the village's rule.
    upcomingExpiry: next && expiring > 0 ? { on: next.on, points: expiring, mode: settings.expiryMode } : null,
    villageName: village?.name ?? '',
    groupName: group?.name ?? null,
    members,
    categoryHistory,
    pendingPoints: pending.find((p) => p.status === 'pending')?.points ?? 0,
    noticePoints: pending.find((p) => p.status === 'notice')?.points ?? 0,
    conduct: { period: year, score: score?.score ?? 0, earned: score?.earned ?? 0, deducted: score?.deducted ?? 0 },
    cards: cards.map((c) => ({ id: c.id, locked: c.lockedAt != null, createdAt: c.createdAt })),
  };
}
