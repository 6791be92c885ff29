import { and, between, desc, eq, inArray, like, ne, sql } from 'drizzle-orm';
import { areas, householdPeriodScores, households, ledgerEntries } from '../../../db/schema';
import type { Db } from '../../../db/client';
import { periodRange } from '../../../db/time';
import { publicName } from '../public/publicName';
import type { LoadedArea } from './boardArea';
import { chunks } from './computeBlackList';
import { byInitials, withRanks } from './ranking';
import type { RankParams } from './schemas';

export interface RankItem {
  rank: number;
  householdId: number;
  name: string;
  village: string;
  points: number;
}

/**
 * Households of a village, township or county ranked by conduct score in a period; with a category,
 * by the net conduct points of that category alone (summed from the ledger over the village/day index).
 */
export function computeRankings(db: Db, { row, settings }: LoadedArea, period: string, params: RankParams): RankItem[] {
  let top: Array<{ householdId: number; points: number }>;
  if (!params.category) {
    const column = row.kind === 'village' ? householdPeriodScores.villageId : row.kind === 'township' ? householdPeriodScores.townshipId : householdPeriodScores.countyId;
    // Everyone tied with the last place shown is kept, so the cut never splits a rank.
    const cut = db
      .select({ score: householdPeriodScores.score })
      .from(householdPeriodScores)
      .where(and(eq(column, row.id), eq(householdPeriodScores.period, period)))
      .orderBy(desc(householdPeriodScores.score))
      .limit(1)
      .offset(params.limit - 1)
      .get();
    top = db
      .select({ householdId: householdPeriodScores.householdId, points: householdPeriodScores.score })
      .from(householdPeriodScores)
      .where(and(eq(column, row.id), eq(householdPeriodScores.period, period), cut ? sql`${householdPeriodScores.score} >= ${cut.score}` : undefined))
      .all();
  } else {
    const villageIds = db
      .select({ id: areas.id })
      .from(areas)
      .where(and(eq(areas.kind, 'village'), like(areas.path, `${row.path}%`)))
      .all()
      .map((a) => a.id);
    const { from, to } = periodRange(period);
    top = [];
    for (const part of chunks(villageIds, 500)) {
      top.push(
        ...db
          .select({ householdId: ledgerEntries.householdId, points: sql<number>`sum(${ledgerEntries.conductPoints})` })
          .from(ledgerEntries)
          .where(
            and(
              inArray(ledgerEntries.villageId, part),
              between(ledgerEntries.occurredOn, from, to),
              eq(ledgerEntries.category, params.category),
              ne(ledgerEntries.conductPoints, 0),
            ),
          )
          .groupBy(ledgerEntries.householdId)
          .all()
          .map((r) => ({ householdId: r.householdId, points: Number(r.points) })),
      );
    }
    top = top.filter((r) => r.points !== 0);
    top.sort((a, b) => b.points - a.points);
    const last = top[params.limit - 1];
    if (last) top = top.filter((r) => r.points >= last.points);
  }
  const people = new Map<number, { headName: string; doorNo: string | null; initials: string; village: string }>();
  for (const part of chunks(top.map((t) => t.householdId), 500)) {
    for (const h of db
      .select({ id: households.id, headName: households.headName, doorNo: households.doorNo, initials: households.nameInitials, village: areas.name })
      .from(households)
      .innerJoin(areas, eq(areas.id, households.villageId))
      .where(inArray(households.id, part))
      .all())
      people.set(h.id, h);
  }
  const rows = top.map((t) => ({ ...t, ...people.get(t.householdId)! }));
  rows.sort((a, b) => b.points - a.points || byInitials(a, b));
  return withRanks(rows, (r) => r.points).map((r) => ({
    rank: r.rank,
    householdId: r.householdId,
    name: publicName(settings.maskMode, r.headName, r.doorNo),
    village: r.village,
    points: r.points,
  }));
}
