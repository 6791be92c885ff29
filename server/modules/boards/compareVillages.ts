import { villagesUnder } from '../../../db/boards/areas';
import { activeHouseholdsPerVillage, villagePeriodTotals } from '../../../db/boards/scores';
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
export async function compareVillages(db: Db, { row }: LoadedArea, period: string): Promise<VillageItem[]> {
  const villages = await villagesUnder(db, row.path);
  const sizes = await activeHouseholdsPerVillage(db, row.path);
  const scores = await villagePeriodTotals(db, row.path, period);
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
