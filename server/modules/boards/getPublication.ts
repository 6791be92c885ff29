import type { Ctx } from '../../lib/context';
import { loadPublication } from './loadPublication';
import { boardOf, publicationFacts } from './publicationView';

/** One publication (any status) with its frozen board, for the proposer and reviewers. */
export function getPublication(ctx: Ctx, id: number) {
  const p = loadPublication(ctx, id);
  return { ...publicationFacts(p), rejectReason: p.rejectReason, mine: p.proposedBy === ctx.actor.userId, board: boardOf(p) };
}
