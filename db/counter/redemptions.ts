import { and, asc, count, desc, eq, gte, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, goods, households, redemptionItems, redemptions } from '../schema';
import { alias } from 'drizzle-orm/sqlite-core';

export type RedemptionVia = (typeof redemptions.$inferSelect)['via'];

export interface RedemptionListItem {
  id: number;
  householdId: number;
  headName: string;
  doorNo: string | null;
  villageName: string;
  storeAreaId: number;
  storeName: string;
  points: number;
  balanceAfter: number;
  via: RedemptionVia;
  createdAt: number;
}

export interface RedemptionFilter {
  villageIds: readonly number[];
  householdId?: number;
  clerkId?: number;
  storeAreaId?: number;
  /** Only redemptions at or after this instant (e.g. the start of today). */
  since?: number;
  limit: number;
  offset: number;
}

const store = alias(areas, 'store');

/** A page of the redemptions of some villages (newest first), narrowed by household, clerk, store or time, and the total. */
export async function listRedemptionsOf(db: Db, f: RedemptionFilter): Promise<{ items: RedemptionListItem[]; total: number }> {
  if (!f.villageIds.length) return { items: [], total: 0 };
  const where = and(
    inArray(redemptions.villageId, [...f.villageIds]),
    f.householdId !== undefined ? eq(redemptions.householdId, f.householdId) : undefined,
    f.clerkId !== undefined ? eq(redemptions.clerkId, f.clerkId) : undefined,
    f.storeAreaId !== undefined ? eq(redemptions.storeAreaId, f.storeAreaId) : undefined,
    f.since !== undefined ? gte(redemptions.createdAt, f.since) : undefined,
  );
  const items = db
    .select({
      id: redemptions.id,
      householdId: redemptions.householdId,
      headName: households.headName,
      doorNo: households.doorNo,
      villageName: areas.name,
      storeAreaId: redemptions.storeAreaId,
      storeName: store.name,
      points: redemptions.points,
      balanceAfter: redemptions.balanceAfter,
      via: redemptions.via,
      createdAt: redemptions.createdAt,
    })
    .from(redemptions)
    .innerJoin(households, eq(households.id, redemptions.householdId))
    .innerJoin(areas, eq(areas.id, redemptions.villageId))
    .innerJoin(store, eq(store.id, redemptions.storeAreaId))
    .where(where)
    .orderBy(desc(redemptions.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(redemptions).where(where).get()?.n ?? 0;
  return { items, total };
}

export interface RedemptionReceipt extends RedemptionListItem {
  villageId: number;
  villagePath: string;
  clerkId: number;
  items: { goodsId: number; name: string; unit: string; quantity: number; price: number; points: number }[];
}

/** One redemption with its lines, household, village path (for the scope check) and store: a receipt to print again. */
export async function redemptionReceipt(db: Db, id: number): Promise<RedemptionReceipt | undefined> {
  const head = db
    .select({
      id: redemptions.id,
      householdId: redemptions.householdId,
      headName: households.headName,
      doorNo: households.doorNo,
      villageId: redemptions.villageId,
      villageName: areas.name,
      villagePath: areas.path,
      storeAreaId: redemptions.storeAreaId,
      storeName: store.name,
      clerkId: redemptions.clerkId,
      points: redemptions.points,
      balanceAfter: redemptions.balanceAfter,
      via: redemptions.via,
      createdAt: redemptions.createdAt,
    })
    .from(redemptions)
    .innerJoin(households, eq(households.id, redemptions.householdId))
    .innerJoin(areas, eq(areas.id, redemptions.villageId))
    .innerJoin(store, eq(store.id, redemptions.storeAreaId))
    .where(eq(redemptions.id, id))
    .get();
  if (!head) return undefined;
  const items = db
    .select({
      goodsId: redemptionItems.goodsId,
      name: goods.name,
      unit: goods.unit,
      quantity: redemptionItems.quantity,
      price: redemptionItems.price,
      points: redemptionItems.points,
    })
    .from(redemptionItems)
    .innerJoin(goods, eq(goods.id, redemptionItems.goodsId))
    .where(eq(redemptionItems.redemptionId, id))
    .orderBy(asc(redemptionItems.goodsId))
    .all();
  return { ...head, items };
}
