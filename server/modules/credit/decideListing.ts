import { and, eq } from 'drizzle-orm';
import { dishonestyListings } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden } from '../../lib/errors';
import { loadListing, syncSuspension } from './loadListing';
import type { DecisionBody } from './schemas';

type ListingStatus = 'listed' | 'rejected' | 'removed';

/** A reviewer (never the proposer) decides on a proposed listing, or on a proposed removal. */
export function decideListing(ctx: Ctx, id: number, body: DecisionBody) {
  const listing = loadListing(ctx, id);
  const proposer = listing.status === 'removal_proposed' ? listing.removalProposedBy : listing.proposedBy;
  if (proposer === ctx.actor.userId) throw new Forbidden('不能审核自己提出的申请', 'own_proposal');
  const at = ctx.now.getTime();
  let next: ListingStatus;
  if (listing.status === 'proposed') next = body.decision === 'approve' ? 'listed' : 'rejected';
  else if (listing.status === 'removal_proposed') next = body.decision === 'approve' ? 'removed' : 'listed';
  else throw new Conflict('invalid_status', '该记录当前无需审核');
  return ctx.db.transaction((tx) => {
    const patch: Partial<typeof dishonestyListings.$inferInsert> = { status: next };
    if (listing.status === 'proposed') Object.assign(patch, { decidedBy: ctx.actor.userId, decidedAt: at, decisionNote: body.note });
    if (next === 'removed') Object.assign(patch, { removedBy: ctx.actor.userId, removedAt: at });
    const changed = tx
      .update(dishonestyListings)
      .set(patch)
      .where(and(eq(dishonestyListings.id, id), eq(dishonestyListings.status, listing.status)))
      .run().changes;
    if (changed !== 1) throw new Conflict('invalid_status', '该记录已被处理');
    const suspended = syncSuspension(tx, listing.householdId, at);
    const action = listing.status === 'proposed' ? 'dishonesty_listing.decide' : 'dishonesty_listing.decide_removal';
    writeAudit(tx, ctx, { entity: 'dishonesty_listing', entityId: id, action, areaId: listing.villageId, before: { status: listing.status }, after: { status: next, note: body.note, redemptionSuspended: suspended } });
    return { id, status: next, redemptionSuspended: suspended };
  });
}
