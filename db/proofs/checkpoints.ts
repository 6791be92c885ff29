import type { Db } from '../client';
import type { CheckpointReason } from '../schema/proofs';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

export type { CheckpointReason };

/** A signed county checkpoint as stored (see the `checkpoints` table). */
export interface CheckpointRow {
  id: number;
  countyId: number;
  seq: number;
  issuedAt: number;
  reason: CheckpointReason;
  body: string;
  hash: string;
  prevHash: string | null;
  signature: string;
  keyFingerprint: string;
}
export type NewCheckpoint = Omit<CheckpointRow, 'id'>;

const COLUMNS = `id, county_id AS "countyId", seq, issued_at AS "issuedAt", reason, body, hash, prev_hash AS "prevHash", signature, key_fingerprint AS "keyFingerprint"`;

/** The county's newest checkpoint (highest seq), the one the next links to. */
export async function lastCheckpointOfCounty(db: Db, countyId: number): Promise<CheckpointRow | undefined> {
  return sqlOf(db).get<CheckpointRow>(`SELECT ${COLUMNS} FROM checkpoints WHERE county_id = ? ORDER BY seq DESC LIMIT 1`, [countyId]);
}

/** The county's newest checkpoint made for the given reason. */
export async function lastCheckpointOfReason(db: Db, countyId: number, reason: CheckpointReason): Promise<CheckpointRow | undefined> {
  return sqlOf(db).get<CheckpointRow>(`SELECT ${COLUMNS} FROM checkpoints WHERE county_id = ? AND reason = ? ORDER BY seq DESC LIMIT 1`, [countyId, reason]);
}

/** The newest checkpoint of any county. */
export async function newestCheckpoint(db: Db): Promise<CheckpointRow | undefined> {
  return sqlOf(db).get<CheckpointRow>(`SELECT ${COLUMNS} FROM checkpoints ORDER BY id DESC LIMIT 1`);
}

export async function checkpointById(db: Db, id: number): Promise<CheckpointRow | undefined> {
  return sqlOf(db).get<CheckpointRow>(`SELECT ${COLUMNS} FROM checkpoints WHERE id = ?`, [id]);
}

export async function insertCheckpoint(tx: Tx, v: NewCheckpoint): Promise<CheckpointRow> {
  const row = await sqlOf(tx).get<CheckpointRow>(
    `INSERT INTO checkpoints (county_id, seq, issued_at, reason, body, hash, prev_hash, signature, key_fingerprint)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
    [v.countyId, v.seq, v.issuedAt, v.reason, v.body, v.hash, v.prevHash, v.signature, v.keyFingerprint],
  );
  // RETURNING always answers the inserted row.
  return row!;
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
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (f.countyId != null) {
    where.push('county_id = ?');
    params.push(f.countyId);
  }
  if (f.before != null) {
    where.push('id < ?');
    params.push(f.before);
  }
  return sqlOf(db).all<CheckpointListItem>(
    `SELECT id, county_id AS "countyId", seq, issued_at AS "issuedAt", reason, hash FROM checkpoints
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    [...params, f.limit],
  );
}

/** Every county, ascending id, with its materialised path (the daily checkpoint makes one per county). */
export async function counties(db: Db): Promise<{ id: number; path: string }[]> {
  return sqlOf(db).all<{ id: number; path: string }>("SELECT id, path FROM areas WHERE kind = 'county' ORDER BY id");
}
