import { readDb } from '../../../db/client';
import { hasOpenListing, insertListing } from '../../../db/credit/listings';
import { lockVillageChain } from '../../../db/ledger';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict } from '../../lib/errors';
import { getHouseholdInScope } from '../../lib/scope';
import type { ProposeListingBody } from './schemas';

export async function proposeListing(ctx: Ctx, body: ProposeListingBody) {
  const h = await getHouseholdInScope(readDb(ctx.db), ctx.actor, body.householdId);
  return transaction(ctx.db, async (tx) => {
    // Checked then inserted under the village lock: two proposals at once cannot both pass the check.
    await lockVillageChain(tx, h.villageId);
    if (await hasOpenListing(tx, h.id)) throw new Conflict('listing_exists', '该户已有待审核或生效中的失信记录');
    const row = await insertListing(tx, {
      householdId: h.id,
      villageId: h.villageId,
      reason: body.reason,
      detail: body.detail,
      suspendRedemption: body.suspendRedemption,
      status: 'proposed',
      proposedBy: ctx.actor.userId,
      proposedAt: ctx.now.getTime(),
    });
    await writeAudit(tx, ctx, { entity: 'dishonesty_listing', entityId: row.id, action: 'dishonesty_listing.propose', areaId: h.villageId, after: row });
    return row;
  });
}
