import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import type { EvidenceFormat } from '../schema/evidence';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

export interface EvidenceFileRow {
  hash: string;
  format: EvidenceFormat;
  bytes: number;
  width: number;
  height: number;
  createdAt: number;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Records a stored photo (once per hash) and who uploaded it (once per uploader). */
export async function recordEvidenceUpload(tx: Tx, file: EvidenceFileRow, userId: number, at: number): Promise<void> {
  const q = sqlOf(tx);
  await q.run('INSERT INTO evidence_files (hash, format, bytes, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
    file.hash,
    file.format,
    file.bytes,
    file.width,
    file.height,
    file.createdAt,
  ]);
  await q.run('INSERT INTO evidence_uploads (hash, user_id, uploaded_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [file.hash, userId, at]);
}

export async function evidenceFileByHash(db: Db, hash: string): Promise<EvidenceFileRow | undefined> {
  return sqlOf(db).get<EvidenceFileRow>(
    'SELECT hash AS "hash", format AS "format", bytes AS "bytes", width AS "width", height AS "height", created_at AS "createdAt" FROM evidence_files WHERE hash = ?',
    [hash],
  );
}

/** How many photos a user uploaded since `since` (the daily count limit). */
export async function uploadsSince(db: Db, userId: number, since: number): Promise<number> {
  return (await sqlOf(db).get<{ n: number }>('SELECT COUNT(*) AS "n" FROM evidence_uploads WHERE user_id = ? AND uploaded_at >= ?', [userId, since]))?.n ?? 0;
}

/** Of `hashes`, those `userId` has uploaded. */
export async function hashesUploadedBy(db: Db, userId: number, hashes: readonly string[]): Promise<Set<string>> {
  if (!hashes.length) return new Set();
  const rows = await selectInChunks([...new Set(hashes)], async (part) =>
    sqlOf(db).all<{ hash: string }>(`SELECT hash AS "hash" FROM evidence_uploads WHERE user_id = ? AND hash IN (${placeholders(part.length)})`, [userId, ...part]),
  );
  return new Set(rows.map((r) => r.hash));
}

export async function insertAwardEvidence(tx: Tx, rows: readonly { awardId: number; hashes: readonly string[] }[]): Promise<void> {
  const values = rows.flatMap((r) => r.hashes.map((hash, position): SqlParam[] => [r.awardId, hash, position]));
  const q = sqlOf(tx);
  for (let i = 0; i < values.length; i += 300) {
    const part = values.slice(i, i + 300);
    await q.run(`INSERT INTO award_evidence (award_id, hash, position) VALUES ${part.map(() => '(?, ?, ?)').join(', ')}`, part.flat());
  }
}

export interface AwardPhoto {
  hash: string;
  width: number;
  height: number;
  bytes: number;
}

/** The photos of each award, in the order they were attached; awards without photos are absent. */
export async function photosOfAwards(db: Db, awardIds: readonly number[]): Promise<Map<number, AwardPhoto[]>> {
  const rows = await selectInChunks([...new Set(awardIds)], async (part) =>
    sqlOf(db).all<AwardPhoto & { awardId: number }>(
      `SELECT ae.award_id AS "awardId", ae.hash AS "hash", f.width AS "width", f.height AS "height", f.bytes AS "bytes"
         FROM award_evidence ae JOIN evidence_files f ON f.hash = ae.hash
        WHERE ae.award_id IN (${placeholders(part.length)})
        ORDER BY ae.award_id, ae.position`,
      part,
    ),
  );
  const out = new Map<number, AwardPhoto[]>();
  for (const { awardId, ...photo } of rows) {
    const list = out.get(awardId) ?? [];
    list.push(photo);
    out.set(awardId, list);
  }
  return out;
}

/** Who may see a photo: the awards that show it (their village and household) and its uploaders. */
export async function evidenceAudience(db: Db, hash: string): Promise<{ awards: { villagePath: string; householdId: number }[]; uploaders: number[] }> {
  const q = sqlOf(db);
  const shown = await q.all<{ villagePath: string; householdId: number }>(
    `SELECT a.path AS "villagePath", aw.household_id AS "householdId"
       FROM award_evidence ae JOIN awards aw ON aw.id = ae.award_id JOIN areas a ON a.id = aw.village_id
      WHERE ae.hash = ?
      ORDER BY ae.award_id`,
    [hash],
  );
  const uploaders = await q.all<{ userId: number }>('SELECT user_id AS "userId" FROM evidence_uploads WHERE hash = ? ORDER BY user_id', [hash]);
  return { awards: shown, uploaders: uploaders.map((u) => u.userId) };
}
