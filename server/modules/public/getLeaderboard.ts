import { and, asc, desc, eq } from 'drizzle-orm';
import { areas, householdPeriodScores, households } from '../../../db/schema';
import type { PublicCtx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { resolveSettings } from '../areas/resolveSettings';
import { publicName } from './publicName';
import type { LeaderboardQuery } from './schemas';

/**
 * Households ranked by conduct score (earned minus deducted; spending never lowers it) in an area and
 * period, read from the per-period totals the ledger keeps. Ties share a rank (1, 1, 3).
 */
export function getLeaderboard(ctx: PublicCtx, areaId: number, query: LeaderboardQuery) {
  const area = ctx.db.select().from(areas).where(eq(areas.id, areaId)).get();
  if (!area || area.kind === 'group') throw new NotFound('区域不存在');
  const settings = resolveSettings(ctx.db, area.path);
  const column =
    area.kind === 'village' ? householdPeriodScores.villageId : area.kind === 'township' ? householdPeriodScores.townshipId : householdPeriodScores.countyId;
  const rows = ctx.db
    .select({
      householdId: householdPeriodScores.householdId,
      score: householdPeriodScores.score,
      headName: households.headName,
      doorNo: households.doorNo,
      initials: households.nameInitials,
      village: areas.name,
    })
    .from(householdPeriodScores)
    .innerJoin(households, eq(households.id, householdPeriodScores.householdId))
    .innerJoin(areas, eq(areas.id, householdPeriodScores.villageId))
    .where(and(eq(column, area.id), eq(householdPeriodScores.period, query.period)))
    .orderBy(desc(householdPeriodScores.score), asc(households.nameInitials), asc(households.id))
    .limit(query.limit)
    .all();
  let rank = 0;
  let previous: number | null = null;
  const items = rows.map((r, i) => {
    if (r.score !== previous) (rank = i + 1), (previous = r.score);
    return { rank, name: publicName(settings.maskMode, r.headName, r.doorNo), village: r.village, points: r.score };
  });
  return { area: { id: area.id, name: area.name, kind: area.kind }, period: query.period, items };
}
