import { readDb } from '../../../db/client';
import { listingWithVillagePath, syncRedemptionSuspension, updateListingFrom, type ListingPatch, type ListingRow } from '../../../db/credit/listings';
import { lockVillageChain } from '../../../db/ledger';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden } from '../../lib/errors';
import { loadListing } from './loadListing';
import type { DecisionBody } from './schemas';

/** What a decision does to a listing in its current status; throws when there is nothing to decide, or it is one's own proposal. */
function decision(ctx: Ctx, listing: ListingRow, body: DecisionBody): ListingPatch & { status: 'listed' | 'rejected' | 'removed' } {
  const proposer = listing.status === 'removal_proposed' ? listing.removalProposedBy : listing.proposedBy;
  if (proposer === ctx.actor.userId) throw new Forbidden('不能审核自己提出的申请', 'own_proposal');
  const at = ctx.now.getTime();
  if (listing.status === 'proposed') {
    return { status: body.decision === 'approve' ? 'listed' : 'rejected', decidedBy: ctx.actor.userId, decidedAt: at, decisionNote: body.note };
  }
  if (listing.status === 'removal_proposed') {
    return body.decision === 'approve' ? { status: 'removed', removedBy: ctx.actor.userId, removedAt: at } : { status: 'listed' };
  }
  throw new Conflict('invalid_status', '该记录当前无需审核');
}

/** A reviewer (never the proposer) decides on a proposed listing, or on a proposed removal. */
export async function decideListing(ctx: Ctx, id: number, body: DecisionBody) {
  const seen = await loadListing(readDb(ctx.db), ctx.actor, id);
  decision(ctx, seen, body);
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    // The suspension is read from the listings and written to the household, which the counter reads.
    await lockVillageChain(tx, seen.villageId);
    // Decided on the listing as it is now: a removal proposed meanwhile has another proposer.
    const listing = (await listingWithVillagePath(tx, id))!.listing;
    const patch = decision(ctx, listing, body);
    if (!(await updateListingFrom(tx, id, listing.status, patch))) throw new Conflict('invalid_status', '该记录已被处理');
    const suspended = await syncRedemptionSuspension(tx, listing.householdId, at);
    const action = listing.status === 'proposed' ? 'dishonesty_listing.decide' : 'dishonesty_listing.decide_removal';
    await writeAudit(tx, ctx, {
      entity: 'dishonesty_listing',
      entityId: id,
      action,
      areaId: listing.villageId,
      before: { status: listing.status },
      after: { status: patch.status, note: body.note, redemptionSuspended: suspended },
    });
    return { id, status: patch.status, redemptionSuspended: suspended };
  });
}
