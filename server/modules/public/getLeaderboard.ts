import { eq } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import { areas } from '../../../db/schema';
import { boardCounts, boardRows, changeStamp } from '../../../db/leaderboard';
import type { PublicCtx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { resolveSettings } from '../areas/resolveSettings';
import { publicName } from './publicName';
import type { LeaderboardQuery } from './schemas';

export type Leaderboard = ReturnType<typeof buildLeaderboard>;

// Everyone opens a board when a township publishes it: boards are cached until anything is committed.
const MAX_CACHED = 2000;
const caches = new WeakMap<Database.Database, { stamp: string; boards: Map<string, Leaderboard> }>();

function buildLeaderboard(ctx: PublicCtx, areaId: number, query: LeaderboardQuery) {
  const area = ctx.db.select().from(areas).where(eq(areas.id, areaId)).get();
  if (!area || area.kind === 'group') throw new NotFound('区域不存在');
  const settings = resolveSettings(ctx.db, area.path);
  const rows = boardRows(ctx.db, area.kind, area.id, query.period, query.limit, query.offset);
  // A page that starts inside a tie must continue that tie's rank: rank = 1 + households scoring higher.
  const counts = boardCounts(ctx.db, area.kind, area.id, query.period, rows[0]?.score ?? null);
  let rank = counts.above + 1;
  let previous: number | null = rows[0]?.score ?? null;
  const items = rows.map((r, i) => {
    if (r.score !== previous) {
      rank = query.offset + i + 1;
      previous = r.score;
    }
    return { rank, name: publicName(settings.maskMode, r.headName, r.doorNo), village: r.village, points: r.score };
  });
  return { area: { id: area.id, name: area.name, kind: area.kind }, period: query.period, items, total: counts.total, offset: query.offset };
}

/**
 * Households ranked by conduct score (earned minus deducted; spending never lowers it) in an area and
 * period, read from the per-period totals the ledger keeps. Ties share a rank (1, 1, 3).
 */
export function getLeaderboard(ctx: PublicCtx, areaId: number, query: LeaderboardQuery): Leaderboard {
  const stamp = changeStamp(ctx.db);
  let cache = caches.get(ctx.db.$client);
  if (!cache) {
    cache = { stamp, boards: new Map() };
    caches.set(ctx.db.$client, cache);
  }
  if (cache.stamp !== stamp || cache.boards.size >= MAX_CACHED) {
    cache.stamp = stamp;
    cache.boards.clear();
  }
  const key = `${areaId}|${query.period}|${query.limit}|${query.offset}`;
  let board = cache.boards.get(key);
  if (!board) {
    board = buildLeaderboard(ctx, areaId, query);
    cache.boards.set(key, board);
  }
  return board;
}
