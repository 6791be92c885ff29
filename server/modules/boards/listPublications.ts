import { listPublicationRows } from '../../../db/boards/publications';
import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { publicationFacts } from './publicationView';
import type { ListPublicationsQuery } from './schemas';

/** Publication requests and published versions in the actor's area, newest first (no snapshots: open one to see it). */
export async function listPublications(ctx: Ctx, q: ListPublicationsQuery) {
  const { rows, total } = await listPublicationRows(readDb(ctx.db), { path: ctx.actor.areaPath, status: q.status, kind: q.kind, areaId: q.areaId, limit: q.limit, offset: q.offset });
  return {
    items: rows.map(({ publication: p, areaName, proposer }) => ({
      ...publicationFacts(p),
      areaName,
      proposedBy: p.proposedBy,
      proposer,
      reviewedBy: p.reviewedBy,
      rejectReason: p.rejectReason,
      mine: p.proposedBy === ctx.actor.userId,
    })),
    total,
  };
}
