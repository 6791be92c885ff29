import { and, asc, count, eq, gte, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { areas, awardEvidence, awards, evidenceFiles, evidenceUploads } from '../schema';
import type { Tx } from '../transaction';

export type EvidenceFileRow = typeof evidenceFiles.$inferSelect;

/** Records a stored photo (once per hash) and who uploaded it (once per uploader). */
export async function recordEvidenceUpload(tx: Tx, file: EvidenceFileRow, userId: number, at: number): Promise<void> {
  tx.insert(evidenceFiles).values(file).onConflictDoNothing().run();
  tx.insert(evidenceUploads).values({ hash: file.hash, userId, uploadedAt: at }).onConflictDoNothing().run();
}

export async function evidenceFileByHash(db: Db, hash: string): Promise<EvidenceFileRow | undefined> {
  return db.select().from(evidenceFiles).where(eq(evidenceFiles.hash, hash)).get();
}

/** How many photos a user uploaded since `since` (the daily count limit). */
export async function uploadsSince(db: Db, userId: number, since: number): Promise<number> {
  return db.select({ n: count() }).from(evidenceUploads).where(and(eq(evidenceUploads.userId, userId), gte(evidenceUploads.uploadedAt, since))).get()?.n ?? 0;
}

/** Of `hashes`, those `userId` has uploaded. */
export async function hashesUploadedBy(db: Db, userId: number, hashes: readonly string[]): Promise<Set<string>> {
  if (!hashes.length) return new Set();
  const rows = selectInChunks([...new Set(hashes)], (part) =>
    db
      .select({ hash: evidenceUploads.hash })
      .from(evidenceUploads)
      .where(and(eq(evidenceUploads.userId, userId), inArray(evidenceUploads.hash, part)))
      .all(),
  );
  return new Set(rows.map((r) => r.hash));
}

export async function insertAwardEvidence(tx: Tx, rows: readonly { awardId: number; hashes: readonly string[] }[]): Promise<void> {
  const values = rows.flatMap((r) => r.hashes.map((hash, position) => ({ awardId: r.awardId, hash, position })));
  for (let i = 0; i < values.length; i += 300) tx.insert(awardEvidence).values(values.slice(i, i + 300)).run();
}

export interface AwardPhoto {
  hash: string;
  width: number;
  height: number;
  bytes: number;
}

/** The photos of each award, in the order they were attached; awards without photos are absent. */
export async function photosOfAwards(db: Db, awardIds: readonly number[]): Promise<Map<number, AwardPhoto[]>> {
  const rows = selectInChunks([...new Set(awardIds)], (part) =>
    db
      .select({ awardId: awardEvidence.awardId, hash: awardEvidence.hash, width: evidenceFiles.width, height: evidenceFiles.height, bytes: evidenceFiles.bytes })
      .from(awardEvidence)
      .innerJoin(evidenceFiles, eq(evidenceFiles.hash, awardEvidence.hash))
      .where(inArray(awardEvidence.awardId, part))
      .orderBy(asc(awardEvidence.awardId), asc(awardEvidence.position))
      .all(),
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
  const shown = db
    .select({ villagePath: areas.path, householdId: awards.householdId })
    .from(awardEvidence)
    .innerJoin(awards, eq(awards.id, awardEvidence.awardId))
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .where(eq(awardEvidence.hash, hash))
    .all();
  const uploaders = db.select({ userId: evidenceUploads.userId }).from(evidenceUploads).where(eq(evidenceUploads.hash, hash)).all();
  return { awards: shown, uploaders: uploaders.map((u) => u.userId) };
}
