import { and, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, dishonestyListings, households } from '../schema';
import type { Tx } from '../transaction';

export { dishonestyReasons, listingStatuses } from '../schema/credit';

export type ListingRow = typeof dishonestyListings.$inferSelect;
export type ListingStatus = ListingRow['status'];
export type NewListing = Omit<typeof dishonestyListings.$inferInsert, 'id'>;
/** The columns a decision or a removal proposal changes. */
export type ListingPatch = Partial<
  Pick<ListingRow, 'status' | 'decidedBy' | 'decidedAt' | 'decisionNote' | 'removalReason' | 'removalProposedBy' | 'removalProposedAt' | 'removedBy' | 'removedAt'>
>;

/** Statuses in which a listing is open: awaiting a decision, or in force. */
const OPEN: ListingStatus[] = ['proposed', 'listed', 'removal_proposed'];
/** Statuses in which a listing is in force. */
const IN_FORCE: ListingStatus[] = ['listed', 'removal_proposed'];

/** A listing with its village's materialised path (the input of the scope check), or undefined. */
export async function listingWithVillagePath(db: Db, id: number): Promise<{ listing: ListingRow; villagePath: string } | undefined> {
  return db
    .select({ listing: dishonestyListings, villagePath: areas.path })
    .from(dishonestyListings)
    .innerJoin(areas, eq(areas.id, dishonestyListings.villageId))
    .where(eq(dishonestyListings.id, id))
    .get();
}

/** Whether a household has a listing awaiting a decision or in force. */
export async function hasOpenListing(tx: Tx, householdId: number): Promise<boolean> {
  return !!tx
    .select({ id: dishonestyListings.id })
    .from(dishonestyListings)
    .where(and(eq(dishonestyListings.householdId, householdId), inArray(dishonestyListings.status, OPEN)))
    .get();
}

export async function insertListing(tx: Tx, values: NewListing): Promise<ListingRow> {
  return tx.insert(dishonestyListings).values(values).returning().get();
}

/** Applies `patch` if the listing is still in status `from`; false when someone else changed it first. */
export async function updateListingFrom(tx: Tx, id: number, from: ListingStatus, patch: ListingPatch): Promise<boolean> {
  const changed = tx
    .update(dishonestyListings)
    .set(patch)
    .where(and(eq(dishonestyListings.id, id), eq(dishonestyListings.status, from)))
    .run().changes;
  return changed === 1;
}

/**
 * Sets a household's redemption suspension from its listings: suspended while any listing that asks
 * for it is in force. Returns the new value.
 */
export async function syncRedemptionSuspension(tx: Tx, householdId: number, at: number): Promise<boolean> {
  const active = !!tx
    .select({ id: dishonestyListings.id })
    .from(dishonestyListings)
    .where(and(eq(dishonestyListings.householdId, householdId), eq(dishonestyListings.suspendRedemption, true), inArray(dishonestyListings.status, IN_FORCE)))
    .get();
  tx.update(households).set({ redemptionSuspended: active, updatedAt: at }).where(eq(households.id, householdId)).run();
  return active;
}

export interface ListingFilter {
  villageIds: number[];
  status?: ListingStatus;
  householdId?: number;
  limit: number;
  offset: number;
}

/** A page of listings in `villageIds`, newest first, with household and village names, and the total. */
export async function listListingsPage(db: Db, f: ListingFilter) {
  const conditions: (SQL | undefined)[] = [
    inArray(dishonestyListings.villageId, f.villageIds),
    f.status ? eq(dishonestyListings.status, f.status) : undefined,
    f.householdId ? eq(dishonestyListings.householdId, f.householdId) : undefined,
  ];
  const where = and(...conditions);
  const items = db
    .select({ listing: dishonestyListings, headName: households.headName, doorNo: households.doorNo, villageName: areas.name })
    .from(dishonestyListings)
    .innerJoin(households, eq(households.id, dishonestyListings.householdId))
    .innerJoin(areas, eq(areas.id, dishonestyListings.villageId))
    .where(where)
    .orderBy(desc(dishonestyListings.id))
    .limit(f.limit)
    .offset(f.offset)
    .all()
    .map((r) => ({ ...r.listing, headName: r.headName, doorNo: r.doorNo, villageName: r.villageName }));
  const total = db.select({ n: count() }).from(dishonestyListings).where(where).get()?.n ?? 0;
  return { items, total };
}

/** The reason of the listing that suspends a household's redemption now (the newest in force), or null. */
export async function suspensionReason(db: Db, householdId: number): Promise<ListingRow['reason'] | null> {
  const row = db
    .select({ reason: dishonestyListings.reason })
    .from(dishonestyListings)
    .where(and(eq(dishonestyListings.householdId, householdId), eq(dishonestyListings.suspendRedemption, true), inArray(dishonestyListings.status, IN_FORCE)))
    .orderBy(desc(dishonestyListings.id))
    .get();
  return row?.reason ?? null;
}

/** Every listing of one household, newest first (what the household itself may see of its record). */
export async function listingsOfHousehold(db: Db, householdId: number): Promise<ListingRow[]> {
  return db.select().from(dishonestyListings).where(eq(dishonestyListings.householdId, householdId)).orderBy(desc(dishonestyListings.id)).all();
}
