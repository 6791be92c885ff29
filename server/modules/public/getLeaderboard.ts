import { dataVersion } from '../../../db/boards/dataVersion';
import { replicaDb, type Db } from '../../../db/client';
import type { PublicCtx } from '../../lib/context';
import { loadArea } from '../boards/boardArea';
import { rankHouseholds } from '../boards/computeRankings';
import type { LeaderboardQuery } from './schemas';

export interface Leaderboard {
  area: { id: number; name: string; kind: 'county' | 'township' | 'village' | 'group' };
  period: string;
  items: Array<{ rank: number; name: string; village: string; points: number }>;
  total: number;
  offset: number;
}

// Everyone opens a board when a township publishes it: boards are cached until anything is committed.
const MAX_CACHED = 2000;
const caches = new WeakMap<Db, { stamp: string; boards: Map<string, Leaderboard> }>();

async function buildLeaderboard(ctx: PublicCtx, areaId: number, query: LeaderboardQuery): Promise<Leaderboard> {
  const db = replicaDb(ctx.db);
  const loaded = await loadArea(db, areaId);
  const { items, total } = await rankHouseholds(db, loaded, query.period, { limit: query.limit, offset: query.offset, throughTies: false });
  const { id, name, kind } = loaded.area;
  return {
    area: { id, name, kind },
    period: query.period,
    items: items.map((i) => ({ rank: i.rank, name: i.name, village: i.village, points: i.points })),
    total,
    offset: query.offset,
  };
}

/**
 * Households ranked by conduct score (earned minus deducted; spending never lowers it) in an area and
 * period, one page at a time: the boards module's one leaderboard (`rankHouseholds`), without
 * household ids, cached until anything is committed. Ties share a rank (1, 1, 3).
 */
export async function getLeaderboard(ctx: PublicCtx, areaId: number, query: LeaderboardQuery): Promise<Leaderboard> {
  // Stamped through the write handle (ctx.db): on SQLite only it sees this process's commits at once; on
  // PostgreSQL the stamp is read on the replica, where buildLeaderboard reads too, so a page is never older than its stamp.
  const stamp = await dataVersion(ctx.db);
  if (stamp === null) return buildLeaderboard(ctx, areaId, query);
  let cache = caches.get(ctx.db);
  if (!cache) {
    cache = { stamp, boards: new Map() };
    caches.set(ctx.db, cache);
  }
  if (cache.stamp !== stamp || cache.boards.size >= MAX_CACHED) {
    cache.stamp = stamp;
    cache.boards.clear();
  }
  const key = `${areaId}|${query.period}|${query.limit}|${query.offset}`;
  const hit = cache.boards.get(key);
  if (hit) return hit;
  const board = await buildLeaderboard(ctx, areaId, query);
  // Kept only if nothing was committed while it was read.
  if (cache.stamp === stamp && (await dataVersion(ctx.db)) === stamp) cache.boards.set(key, board);
  return board;
}
