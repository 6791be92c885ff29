import { readDb } from '../../../db/client';
import { listingsOfHousehold } from '../../../db/credit/listings';
import type { Ctx } from '../../lib/context';

/**
 * A household's own record on the dishonesty list: whether it is listed, whether redemption is
 * suspended, and each listing with its reason, what was decided and whether removal is under review.
 * Who proposed and who decided stay with the village (staff accounts are not shown to households).
 */
export async function myListings(ctx: Ctx) {
  const householdId = ctx.actor.householdId;
  const rows = householdId == null ? [] : await listingsOfHousehold(readDb(ctx.db), householdId);
  const inForce = rows.filter((r) => r.status === 'listed' || r.status === 'removal_proposed');
  return {
    listed: inForce.length > 0,
    suspended: inForce.some((r) => r.suspendRedemption),
    items: rows
      .filter((r) => r.status !== 'proposed' && r.status !== 'rejected')
      .map((r) => ({
        id: r.id,
        status: r.status,
        reason: r.reason,
        detail: r.detail,
        suspendRedemption: r.suspendRedemption,
        listedAt: r.decidedAt,
        removalProposedAt: r.removalProposedAt,
        removedAt: r.removedAt,
      })),
  };
}
