import { readDb } from '../../../db/client';
import { updateListingFrom } from '../../../db/credit/listings';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict } from '../../lib/errors';
import { loadListing } from './loadListing';

/** Removal (e.g. after the household has put things right) is proposed, then reviewed like the listing. */
export async function proposeRemoval(ctx: Ctx, id: number, reason: string) {
  const listing = await loadListing(readDb(ctx.db), ctx.actor, id);
  return transaction(ctx.db, async (tx) => {
    const changed = await updateListingFrom(tx, id, 'listed', {
      status: 'removal_proposed',
      removalReason: reason,
      removalProposedBy: ctx.actor.userId,
      removalProposedAt: ctx.now.getTime(),
    });
    if (!changed) throw new Conflict('invalid_status', '只有生效中的失信记录可以申请移出');
    await writeAudit(tx, ctx, { entity: 'dishonesty_listing', entityId: id, action: 'dishonesty_listing.propose_removal', areaId: listing.villageId, after: { reason } });
    return { id, status: 'removal_proposed' as const };
  });
}
