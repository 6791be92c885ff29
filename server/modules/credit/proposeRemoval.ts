import { and, eq } from 'drizzle-orm';
import { dishonestyListings } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict } from '../../lib/errors';
import { loadListing } from './loadListing';

/** Removal (e.g. after the household has put things right) is proposed, then reviewed like the listing. */
export function proposeRemoval(ctx: Ctx, id: number, reason: string) {
  const listing = loadListing(ctx, id);
  return ctx.db.transaction((tx) => {
    const changed = tx
      .update(dishonestyListings)
      .set({ status: 'removal_proposed', removalReason: reason, removalProposedBy: ctx.actor.userId, removalProposedAt: ctx.now.getTime() })
      .where(and(eq(dishonestyListings.id, id), eq(dishonestyListings.status, 'listed')))
      .run().changes;
    if (changed !== 1) throw new Conflict('invalid_status', '只有生效中的失信记录可以申请移出');
    writeAudit(tx, ctx, { entity: 'dishonesty_listing', entityId: id, action: 'dishonesty_listing.propose_removal', areaId: listing.villageId, after: { reason } });
    return { id, status: 'removal_proposed' as const };
  });
}
