import { and, asc, eq } from 'drizzle-orm';
import type { AreaRow } from '../areas';
import type { SqliteDb } from '../client';
import { areas, awards, households, objections, type AwardStatus } from '../schema';
import type { SqliteTx } from '../transaction';

/** A village's households with what the demo picks its showcase household by. */
export async function villageHouseholdsForDemo(tx: SqliteTx, villageId: number): Promise<{ id: number; balance: number; phone: string | null; headName: string }[]> {
  return tx.select({ id: households.id, balance: households.balance, phone: households.phone, headName: households.headName }).from(households).where(eq(households.villageId, villageId)).all();
}

export interface SeedAward {
  householdId: number;
  villageId: number;
  ruleId: number;
  ruleVersionId: number;
  quantity: number;
  points: number;
  occurredOn: string;
  memberName: string | null;
  note: string | null;
  evidenceUrl: string | null;
  status: Extract<AwardStatus, 'pending' | 'notice'>;
  proposedBy: number;
  proposedAt: number;
  reviewedBy: number | null;
  reviewedAt: number | null;
  noticeEndsAt: number | null;
}

/** An open award (waiting for review or on notice); returns its id. */
export async function insertSeedAward(tx: SqliteTx, a: SeedAward): Promise<number> {
  return tx.insert(awards).values(a).returning({ id: awards.id }).get().id;
}

export async function insertSeedObjection(tx: SqliteTx, o: { awardId: number; userId: number; reason: string; createdAt: number }): Promise<number> {
  return tx.insert(objections).values(o).returning({ id: objections.id }).get().id;
}

/** The first village created (the demo's 石门村). */
export async function firstVillage(db: SqliteDb): Promise<AreaRow | undefined> {
  return db.select().from(areas).where(eq(areas.kind, 'village')).orderBy(asc(areas.id)).get();
}

/** Ids of a village's active households, oldest first. */
export async function activeHouseholdIdsOfVillage(db: SqliteDb, villageId: number): Promise<number[]> {
  return db
    .select({ id: households.id })
    .from(households)
    .where(and(eq(households.villageId, villageId), eq(households.status, 'active')))
    .orderBy(asc(households.id))
    .all()
    .map((r) => r.id);
}
