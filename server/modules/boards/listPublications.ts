import { and, count, desc, eq, like } from 'drizzle-orm';
import { areas, boardPublications, users } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { publicationFacts } from './publicationView';
import type { ListPublicationsQuery } from './schemas';

/** Publication requests and published versions in the actor's area, newest first (no snapshots: open one to see it). */
export function listPublications(ctx: Ctx, q: ListPublicationsQuery) {
  const where = and(
    like(areas.path, `${ctx.actor.areaPath}%`),
    q.status ? eq(boardPublications.status, q.status) : undefined,
    q.kind ? eq(boardPublications.kind, q.kind) : undefined,
    q.areaId ? eq(boardPublications.areaId, q.areaId) : undefined,
  );
  const rows = ctx.db
    .select({ p: boardPublications, areaName: areas.name, proposer: users.username })
    .from(boardPublications)
    .innerJoin(areas, eq(areas.id, boardPublications.areaId))
    .innerJoin(users, eq(users.id, boardPublications.proposedBy))
    .where(where)
    .orderBy(desc(boardPublications.id))
    .limit(q.limit)
    .offset(q.offset)
    .all();
  const total = ctx.db.select({ n: count() }).from(boardPublications).innerJoin(areas, eq(areas.id, boardPublications.areaId)).where(where).get()?.n ?? 0;
  return {
    items: rows.map((r) => ({
      ...publicationFacts(r.p),
      areaName: r.areaName,
      proposedBy: r.p.proposedBy,
      proposer: r.proposer,
      reviewedBy: r.p.reviewedBy,
      rejectReason: r.p.rejectReason,
      mine: r.p.proposedBy === ctx.actor.userId,
    })),
    total,
  };
}
