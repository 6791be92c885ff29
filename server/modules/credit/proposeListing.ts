import { and, eq, inArray } from 'drizzle-orm';
import { dishonestyListings } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict } from '../../lib/errors';
import { getHouseholdInScopeSync } from '../../lib/scope';
import type { ProposeListingBody } from './schemas';

export function proposeListing(ctx: Ctx, body: ProposeListingBody) {
  const h = getHouseholdInScopeSync(ctx, body.householdId);
  return ctx.db.transaction((tx) => {
    const open = tx
      .select({ id: dishonestyListings.id })
      .from(dishonestyListings)
      .where(and(eq(dishonestyListings.householdId, h.id), inArray(dishonestyListings.status, ['proposed', 'listed', 'removal_proposed'])))
      .get();
    if (open) throw new Conflict('listing_exists', '该户已有待审核或生效中的失信记录');
    const row = tx
      .insert(dishonestyListings)
      .values({ householdId: h.id, villageId: h.villageId, reason: body.reason, detail: body.detail, suspendRedemption: body.suspendRedemption, status: 'proposed', proposedBy: ctx.actor.userId, proposedAt: ctx.now.getTime() })
      .returning()
      .get();
    writeAudit(tx, ctx, { entity: 'dishonesty_listing', entityId: row.id, action: 'dishonesty_listing.propose', areaId: h.villageId, after: row });
    return row;
  });
}
