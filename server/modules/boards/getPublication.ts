import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { loadPublication } from './loadPublication';
import { boardOf, publicationFacts } from './publicationView';

/** One publication (any status) with its frozen board, for the proposer and reviewers. */
export async function getPublication(ctx: Ctx, id: number) {
  const p = await loadPublication(readDb(ctx.db), ctx.actor, id);
  return { ...publicationFacts(p), rejectReason: p.rejectReason, mine: p.proposedBy === ctx.actor.userId, board: boardOf(p) };
}
