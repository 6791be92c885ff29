import { areasByIds } from '../../../db/areas';
import { readDb } from '../../../db/client';
import { activeCardsOf, categoryHistoryOf, membersOf, periodScoreOf, undecidedAwardPoints } from '../../../db/households/households';
import { expirableForHousehold } from '../../../db/ledger/expiry';
import { shanghaiDay } from '../../../db/time';
import { resolveSettings } from '../areas/resolveSettings';
import { nextExpiry } from '../ledger/expiryPlan';
import type { Ctx } from '../../lib/context';
import { maskIdNumber, maskPhone } from '../../lib/identity';
import { getHouseholdInScope } from '../../lib/scope';
import { presentHousehold, seesPersonalData } from './present';

/** Everything the household page and the cadre's household view show. */
export async function getHousehold(ctx: Ctx, householdId: number) {
  const db = readDb(ctx.db);
  const h = await getHouseholdInScope(db, ctx.actor, householdId);
  const full = seesPersonalData(ctx.actor, h.id);
  const names = new Map((await areasByIds(db, h.groupId ? [h.villageId, h.groupId] : [h.villageId])).map((a) => [a.id, a.name]));
  const members = (await membersOf(db, h.id)).map((m) => ({
    id: m.id,
    name: m.name,
    relation: m.relation,
    isProxy: m.isProxy,
    phone: full ? m.phone : maskPhone(m.phone),
    idNumber: full ? m.idNumber : maskIdNumber(m.idNumber),
  }));
  const categoryHistory = await categoryHistoryOf(db, h.id);
  const undecided = await undecidedAwardPoints(db, h.id);
  const year = shanghaiDay(ctx.now.getTime()).slice(0, 4);
  const score = await periodScoreOf(db, h.id, year);
  const cards = await activeCardsOf(db, h.id);
  const settings = await resolveSettings(db, h.villagePath);
  const next = nextExpiry(settings, ctx.now.getTime());
  const expiring = next ? await expirableForHousehold(db, h.id, next.cutoff) : 0;
  return {
    ...presentHousehold(ctx.actor, h),
    // Told in advance: how many points will expire on the next expiry day under the village's rule.
    upcomingExpiry: next && expiring > 0 ? { on: next.on, points: expiring, mode: settings.expiryMode } : null,
    villageName: names.get(h.villageId) ?? '',
    groupName: h.groupId ? (names.get(h.groupId) ?? null) : null,
    members,
    categoryHistory,
    pendingPoints: undecided.pending,
    noticePoints: undecided.notice,
    conduct: { period: year, ...score },
    cards: cards.map((c) => ({ id: c.id, locked: c.lockedAt != null, createdAt: c.createdAt })),
  };
}
