import { and, count, eq, like, sql } from 'drizzle-orm';
import { areas, householdPeriodScores, households } from '../../../db/schema';
import type { Db } from '../../../db/client';
import type { LoadedArea } from './boardArea';
import { withRanks } from './ranking';

export interface VillageItem {
  rank: number;
  villageId: number;
  name: string;
  households: number;
  participants: number;
  /** Share of active households with any points earned in the period, 0..1 (3 decimals). */
  participationRate: number;
  totalPoints: number;
  pointsPerHousehold: number;
  rankByPerHousehold: number;
  rankByTotal: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Villages of a township (or county) compared fairly: by participation rate first, then points per
 * household; the plain total is shown with its own rank. Only active households count.
 */
export function compareVillages(db: Db, { row }: LoadedArea, period: string): VillageItem[] {
  const villages = db
    .select({ id: areas.id, name: areas.name })
    .from(areas)
    .where(and(eq(areas.kind, 'village'), like(areas.path, `${row.path}%`)))
    .all();
  const inArea = like(areas.path, `${row.path}%`);
  const sizes = new Map(
    db
      .select({ villageId: households.villageId, n: count() })
      .from(households)
      .innerJoin(areas, eq(areas.id, households.villageId))
      .where(and(inArea, eq(households.status, 'active')))
      .groupBy(households.villageId)
      .all()
      .map((r) => [r.villageId, r.n]),
  );
  const scores = new Map(
    db
      .select({
        villageId: householdPeriodScores.villageId,
        participants: sql<number>`sum(case when ${householdPeriodScores.earned} > 0 then 1 else 0 end)`,
        total: sql<number>`sum(${householdPeriodScores.score})`,
      })
      .from(householdPeriodScores)
      .innerJoin(households, eq(households.id, householdPeriodScores.householdId))
      .innerJoin(areas, eq(areas.id, householdPeriodScores.villageId))
      .where(and(inArea, eq(householdPeriodScores.period, period), eq(households.status, 'active')))
      .groupBy(householdPeriodScores.villageId)
      .all()
      .map((r) => [r.villageId, { participants: Number(r.participants), total: Number(r.total) }]),
  );
  const items = villages.map((v) => {
    const n = sizes.get(v.id) ?? 0;
    const s = scores.get(v.id) ?? { participants: 0, total: 0 };
    return {
      villageId: v.id,
      name: v.name,
      households: n,
      participants: s.participants,
      participationRate: n ? round3(s.participants / n) : 0,
      totalPoints: s.total,
      pointsPerHousehold: n ? round1(s.total / n) : 0,
    };
  });
  const perHousehold = new Map(withRanks([...items].sort((a, b) => b.pointsPerHousehold - a.pointsPerHousehold), (i) => i.pointsPerHousehold).map((i) => [i.villageId, i.rank]));
  const byTotal = new Map(withRanks([...items].sort((a, b) => b.totalPoints - a.totalPoints), (i) => i.totalPoints).map((i) => [i.villageId, i.rank]));
  items.sort((a, b) => b.participationRate - a.participationRate || b.pointsPerHousehold - a.pointsPerHousehold || a.villageId - b.villageId);
  return withRanks(items, (i) => `${i.participationRate}|${i.pointsPerHousehold}`).map((i) => ({
    ...i,
    rankByPerHousehold: perHousehold.get(i.villageId)!,
    rankByTotal: byTotal.get(i.villageId)!,
  }));
}
