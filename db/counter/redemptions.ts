import { and, count, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, households, redemptions } from '../schema';

export type RedemptionVia = (typeof redemptions.$inferSelect)['via'];

export interface RedemptionListItem {
  id: number;
  householdId: number;
  headName: string;
  villageName: string;
  points: number;
  balanceAfter: number;
  via: RedemptionVia;
  createdAt: number;
}

export interface RedemptionFilter {
  villageIds: readonly number[];
  householdId?: number;
  clerkId?: number;
  limit: number;
  offset: number;
}

/** A page of the redemptions of some villages (newest first), narrowed by household or clerk, and the total. */
export async function listRedemptionsOf(db: Db, f: RedemptionFilter): Promise<{ items: RedemptionListItem[]; total: number }> {
  if (!f.villageIds.length) return { items: [], total: 0 };
  const where = and(
    inArray(redemptions.villageId, [...f.villageIds]),
    f.householdId !== undefined ? eq(redemptions.householdId, f.householdId) : undefined,
    f.clerkId !== undefined ? eq(redemptions.clerkId, f.clerkId) : undefined,
  );
  const items = db
    .select({
      id: redemptions.id,
      householdId: redemptions.householdId,
      headName: households.headName,
      villageName: areas.name,
      points: redemptions.points,
      balanceAfter: redemptions.balanceAfter,
      via: redemptions.via,
      createdAt: redemptions.createdAt,
    })
    .from(redemptions)
    .innerJoin(households, eq(households.id, redemptions.householdId))
    .innerJoin(areas, eq(areas.id, redemptions.villageId))
    .where(where)
    .orderBy(desc(redemptions.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(redemptions).where(where).get()?.n ?? 0;
  return { items, total };
}
