import { and, eq, inArray } from 'drizzle-orm';
import { areas, dishonestyListings, households } from '../../../db/schema';
import type { Tx } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';

export type ListingRow = typeof dishonestyListings.$inferSelect;

export function loadListing(ctx: Ctx, id: number): ListingRow {
  const row = ctx.db
    .select({ listing: dishonestyListings, villagePath: areas.path })
    .from(dishonestyListings)
    .innerJoin(areas, eq(areas.id, dishonestyListings.villageId))
    .where(eq(dishonestyListings.id, id))
    .get();
  if (!row || !pathWithin(ctx.actor, row.villagePath)) throw new NotFound('失信记录不存在');
  return row.listing;
}

/** A household's redemption is suspended while any listing that asks for it is in force. */
export function syncSuspension(tx: Tx, householdId: number, at: number): boolean {
  const active = tx
    .select({ id: dishonestyListings.id })
    .from(dishonestyListings)
    .where(
      and(
        eq(dishonestyListings.householdId, householdId),
        eq(dishonestyListings.suspendRedemption, true),
        inArray(dishonestyListings.status, ['listed', 'removal_proposed']),
      ),
    )
    .get();
  tx.update(households).set({ redemptionSuspended: !!active, updatedAt: at }).where(eq(households.id, householdId)).run();
  return !!active;
}
