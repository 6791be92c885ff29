import { and, count, desc, eq, like, max, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, boardPublications, users } from '../schema';
import type { BoardKind, ReviewStatus } from '../schema/boards';
import type { Tx } from '../transaction';

export type PublicationRow = typeof boardPublications.$inferSelect;
export type NewPublication = Omit<typeof boardPublications.$inferInsert, 'id' | 'status' | 'version' | 'reviewedBy' | 'reviewedAt' | 'rejectReason'>;

/** Which board: kind, area and period. */
export interface BoardKey {
  kind: BoardKind;
  areaId: number;
  period: string;
}

const same = (k: BoardKey) => and(eq(boardPublications.kind, k.kind), eq(boardPublications.areaId, k.areaId), eq(boardPublications.period, k.period));

/** A publication with its area's materialised path (the input of the scope check). */
export async function publicationWithPath(db: Db, id: number): Promise<{ publication: PublicationRow; path: string } | undefined> {
  const row = db.select({ p: boardPublications, path: areas.path }).from(boardPublications).innerJoin(areas, eq(areas.id, boardPublications.areaId)).where(eq(boardPublications.id, id)).get();
  return row && { publication: row.p, path: row.path };
}

export async function publicationById(db: Db, id: number): Promise<PublicationRow | undefined> {
  return db.select().from(boardPublications).where(eq(boardPublications.id, id)).get();
}

/** A published (approved) version by id. */
export async function approvedPublicationById(db: Db, id: number): Promise<PublicationRow | undefined> {
  return db.select().from(boardPublications).where(and(eq(boardPublications.id, id), eq(boardPublications.status, 'approved'))).get();
}

/** Every published version of a board, newest first. */
export async function approvedPublications(db: Db, key: BoardKey): Promise<PublicationRow[]> {
  return db.select().from(boardPublications).where(and(same(key), eq(boardPublications.status, 'approved'))).orderBy(desc(boardPublications.version)).all();
}

/** The newest published version of a board. */
export async function latestApprovedPublication(db: Db, key: BoardKey): Promise<PublicationRow | undefined> {
  return db.select().from(boardPublications).where(and(same(key), eq(boardPublications.status, 'approved'))).orderBy(desc(boardPublications.version)).limit(1).get();
}

/** The id of a request for the board still waiting for review. */
export async function pendingPublicationId(db: Db, key: BoardKey): Promise<number | undefined> {
  return db.select({ id: boardPublications.id }).from(boardPublications).where(and(same(key), eq(boardPublications.status, 'pending'))).limit(1).get()?.id;
}

export async function insertPublication(tx: Tx, values: NewPublication): Promise<PublicationRow> {
  return tx.insert(boardPublications).values(values).returning().get();
}

/** The version the board's next publication gets: 1, 2, 3 … per (kind, area, period). */
export async function nextPublicationVersion(tx: Tx, key: BoardKey): Promise<number> {
  const last = tx.select({ v: max(boardPublications.version) }).from(boardPublications).where(same(key)).get();
  return (last?.v ?? 0) + 1;
}

/** Decides a pending request; false when it is no longer pending (two reviewers racing end with one decision). */
export async function decidePendingPublication(
  tx: Tx,
  id: number,
  d: { status: Exclude<ReviewStatus, 'pending'>; version: number | null; reviewedBy: number; reviewedAt: number; rejectReason: string | null },
): Promise<boolean> {
  const changed = tx
    .update(boardPublications)
    .set(d)
    .where(and(eq(boardPublications.id, id), eq(boardPublications.status, 'pending')))
    .run().changes;
  return changed === 1;
}

export interface PublicationFilter {
  /** Materialised path the publication's area must lie under. */
  path: string;
  status?: ReviewStatus;
  kind?: BoardKind;
  areaId?: number;
  limit: number;
  offset: number;
}

/** Publications under a path, newest first, with the area's name and the proposer's name (display name, else username); and how many match. */
export async function listPublicationRows(db: Db, f: PublicationFilter): Promise<{ rows: Array<{ publication: PublicationRow; areaName: string; proposer: string }>; total: number }> {
  const where = and(
    like(areas.path, `${f.path}%`),
    f.status ? eq(boardPublications.status, f.status) : undefined,
    f.kind ? eq(boardPublications.kind, f.kind) : undefined,
    f.areaId ? eq(boardPublications.areaId, f.areaId) : undefined,
  );
  const rows = db
    .select({ p: boardPublications, areaName: areas.name, proposer: sql<string>`COALESCE(${users.displayName}, ${users.username})` })
    .from(boardPublications)
    .innerJoin(areas, eq(areas.id, boardPublications.areaId))
    .innerJoin(users, eq(users.id, boardPublications.proposedBy))
    .where(where)
    .orderBy(desc(boardPublications.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(boardPublications).innerJoin(areas, eq(areas.id, boardPublications.areaId)).where(where).get()?.n ?? 0;
  return { rows: rows.map((r) => ({ publication: r.p, areaName: r.areaName, proposer: r.proposer })), total };
}
