import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { checkpoints } from '../schema';
import type { CheckpointReason } from '../schema/proofs';
import type { Tx } from '../transaction';

export type { CheckpointReason };
export type CheckpointRow = typeof checkpoints.$inferSelect;
export type NewCheckpoint = Omit<CheckpointRow, 'id'>;

/** The county's newest checkpoint (highest seq), the one the next links to. */
export async function lastCheckpointOfCounty(db: Db, countyId: number): Promise<CheckpointRow | undefined> {
  return db.select().from(checkpoints).where(eq(checkpoints.countyId, countyId)).orderBy(desc(checkpoints.seq)).limit(1).get();
}

/** The county's newest checkpoint made for the given reason. */
export async function lastCheckpointOfReason(db: Db, countyId: number, reason: CheckpointReason): Promise<CheckpointRow | undefined> {
  return db
    .select()
    .from(checkpoints)
    .where(and(eq(checkpoints.countyId, countyId), eq(checkpoints.reason, reason)))
    .orderBy(desc(checkpoints.seq))
    .limit(1)
    .get();
}

/** The newest checkpoint of any county. */
export async function newestCheckpoint(db: Db): Promise<CheckpointRow | undefined> {
  return db.select().from(checkpoints).orderBy(desc(checkpoints.id)).limit(1).get();
}

export async function checkpointById(db: Db, id: number): Promise<CheckpointRow | undefined> {
  return db.select().from(checkpoints).where(eq(checkpoints.id, id)).get();
}

export async function insertCheckpoint(tx: Tx, values: NewCheckpoint): Promise<CheckpointRow> {
  return tx.insert(checkpoints).values(values).returning().get();
}

export interface CheckpointListItem {
  id: number;
  countyId: number;
  seq: number;
  issuedAt: number;
  reason: CheckpointReason;
  hash: string;
}

/** Checkpoints newest first (by id), optionally of one county and only below the id `before` (the next page). */
export async function listCheckpointRows(db: Db, f: { countyId?: number; before?: number; limit: number }): Promise<CheckpointListItem[]> {
  const where: SQL[] = [];
  if (f.countyId != null) where.push(eq(checkpoints.countyId, f.countyId));
  if (f.before != null) where.push(lt(checkpoints.id, f.before));
  return db
    .select({ id: checkpoints.id, countyId: checkpoints.countyId, seq: checkpoints.seq, issuedAt: checkpoints.issuedAt, reason: checkpoints.reason, hash: checkpoints.hash })
    .from(checkpoints)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(checkpoints.id))
    .limit(f.limit)
    .all();
}

/** Every county, ascending id, with its materialised path (the daily checkpoint makes one per county). */
export async function counties(db: Db): Promise<{ id: number; path: string }[]> {
  return db.$client.prepare<[], { id: number; path: string }>("SELECT id, path FROM areas WHERE kind = 'county' ORDER BY id").all();
}
