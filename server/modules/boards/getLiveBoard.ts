import { replicaDb } from '../../../db/client';
import type { PublicCtx } from '../../lib/context';
import { computeBoard } from './computeBoard';
import type { BoardQuery } from './schemas';
import { specOf } from './specOf';

/** Leaderboards and village comparisons are public live, with the hash and chain head they were computed from. */
export async function getLiveBoard(ctx: PublicCtx, kind: 'leaderboard' | 'villages', areaId: number, query: BoardQuery) {
  const spec = specOf(kind, areaId, query);
  const { board, hash } = await computeBoard(replicaDb(ctx.db), spec);
  return { board, hash, publication: null };
}
