import { householdVillagePath, townshipRank } from '../../../db/boards/leaderboard';
import { replicaDb } from '../../../db/client';
import type { PublicCtx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import type { RankQuery } from './schemas';

/**
 * Where a household stands in its township for a period: its conduct score, its rank (ties share
 * a rank) and how many households are ranked. Counts on the (township, period, score) index, so it
 * stays well under a millisecond on millions of ledger rows. Shows no name.
 */
export async function getHouseholdRank(ctx: PublicCtx, householdId: number, query: RankQuery) {
  const db = replicaDb(ctx.db);
  const villagePath = await householdVillagePath(db, householdId);
  if (!villagePath) throw new NotFound('农户不存在');
  const ids = villagePath.split('/').filter(Boolean).map(Number);
  const townshipId = ids[1] ?? ids[0];
  const { score, rank, ranked } = await townshipRank(db, householdId, townshipId, query.period);
  return { householdId, townshipId, period: query.period, score: score ?? 0, rank, ranked };
}
