import type { PublicCtx } from '../../lib/context';
import { computeBoard } from './computeBoard';
import type { BoardQuery } from './schemas';
import { specOf } from './specOf';

/** Leaderboards and village comparisons are public live, with the hash and chain head they were computed from. */
export function getLiveBoard(ctx: PublicCtx, kind: 'leaderboard' | 'villages', areaId: number, query: BoardQuery) {
  const { board, hash } = computeBoard(ctx.db, specOf(kind, areaId, query));
  return { board, hash, publication: null };
}
