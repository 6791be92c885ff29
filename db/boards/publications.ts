import type { Db } from '../client';
import type { BoardKind, ReviewStatus } from '../schema/boards';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

/** A board publication as stored (see the `board_publications` table). */
export interface PublicationRow {
  id: number;
  kind: BoardKind;
  areaId: number;
  period: string;
  /** Canonical JSON of the parameters the board was computed with. */
  params: string;
  snapshot: string;
  hash: string;
  chainEntryId: number;
  chainHash: string;
  checkpointId: number | null;
  status: ReviewStatus;
  version: number | null;
  proposedBy: number;
  proposedAt: number;
  reviewedBy: number | null;
  reviewedAt: number | null;
  rejectReason: string | null;
}

export type NewPublication = Omit<PublicationRow, 'id' | 'status' | 'version' | 'reviewedBy' | 'reviewedAt' | 'rejectReason' | 'checkpointId'> &
  Partial<Pick<PublicationRow, 'checkpointId'>>;

/** Which board: kind, area and period. */
export interface BoardKey {
  kind: BoardKind;
  areaId: number;
  period: string;
}

// In the schema's order, so a row reads as it always has. `p` qualifies the columns ('p.' in joins).
const columns = (p: string) => `${p}id AS id, ${p}kind AS kind, ${p}area_id AS "areaId", ${p}period AS period, ${p}params AS params, ${p}snapshot AS snapshot,
  ${p}hash AS hash, ${p}chain_entry_id AS "chainEntryId", ${p}chain_hash AS "chainHash", ${p}checkpoint_id AS "checkpointId", ${p}status AS status,
  ${p}version AS version, ${p}proposed_by AS "proposedBy", ${p}proposed_at AS "proposedAt", ${p}reviewed_by AS "reviewedBy", ${p}reviewed_at AS "reviewedAt",
  ${p}reject_reason AS "rejectReason"`;
const COLUMNS = columns('');

const SAME = 'kind = ? AND area_id = ? AND period = ?';
const same = (k: BoardKey): SqlParam[] => [k.kind, k.areaId, k.period];

/** A publication with its area's materialised path (the input of the scope check). */
export async function publicationWithPath(db: Db, id: number): Promise<{ publication: PublicationRow; path: string } | undefined> {
  const row = await sqlOf(db).get<PublicationRow & { path: string }>(
    `SELECT ${columns('p.')}, a.path AS path FROM board_publications p JOIN areas a ON a.id = p.area_id WHERE p.id = ?`,
    [id],
  );
  if (!row) return undefined;
  const { path, ...publication } = row;
  return { publication, path };
}

export async function publicationById(db: Db, id: number): Promise<PublicationRow | undefined> {
  return sqlOf(db).get<PublicationRow>(`SELECT ${COLUMNS} FROM board_publications WHERE id = ?`, [id]);
}

/** A published (approved) version by id. */
export async function approvedPublicationById(db: Db, id: number): Promise<PublicationRow | undefined> {
  return sqlOf(db).get<PublicationRow>(`SELECT ${COLUMNS} FROM board_publications WHERE id = ? AND status = 'approved'`, [id]);
}

/** Every published version of a board, newest first. */
export async function approvedPublications(db: Db, key: BoardKey): Promise<PublicationRow[]> {
  return sqlOf(db).all<PublicationRow>(`SELECT ${COLUMNS} FROM board_publications WHERE ${SAME} AND status = 'approved' ORDER BY version DESC`, same(key));
}

/** The newest published version of a board. */
export async function latestApprovedPublication(db: Db, key: BoardKey): Promise<PublicationRow | undefined> {
  return sqlOf(db).get<PublicationRow>(`SELECT ${COLUMNS} FROM board_publications WHERE ${SAME} AND status = 'approved' ORDER BY version DESC LIMIT 1`, same(key));
}

/** The id of a request for the board still waiting for review. */
export async function pendingPublicationId(db: Db, key: BoardKey): Promise<number | undefined> {
  return (await sqlOf(db).get<{ id: number }>(`SELECT id FROM board_publications WHERE ${SAME} AND status = 'pending' ORDER BY id LIMIT 1`, same(key)))?.id;
}

export async function insertPublication(tx: Tx, v: NewPublication): Promise<PublicationRow> {
  const row = await sqlOf(tx).get<PublicationRow>(
    `INSERT INTO board_publications (kind, area_id, period, params, snapshot, hash, chain_entry_id, chain_hash, checkpoint_id, proposed_by, proposed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
    [v.kind, v.areaId, v.period, v.params, v.snapshot, v.hash, v.chainEntryId, v.chainHash, v.checkpointId ?? null, v.proposedBy, v.proposedAt],
  );
  // RETURNING always answers the inserted row.
  return row!;
}

/** The version the board's next publication gets: 1, 2, 3 … per (kind, area, period). */
export async function nextPublicationVersion(tx: Tx, key: BoardKey): Promise<number> {
  const last = await sqlOf(tx).get<{ v: number | null }>(`SELECT MAX(version) AS v FROM board_publications WHERE ${SAME}`, same(key));
  return (last?.v ?? 0) + 1;
}

/** Decides a pending request; false when it is no longer pending (two reviewers racing end with one decision). */
export async function decidePendingPublication(
  tx: Tx,
  id: number,
  d: { status: Exclude<ReviewStatus, 'pending'>; version: number | null; reviewedBy: number; reviewedAt: number; rejectReason: string | null },
): Promise<boolean> {
  const { changes } = await sqlOf(tx).run(
    `UPDATE board_publications SET status = ?, version = ?, reviewed_by = ?, reviewed_at = ?, reject_reason = ? WHERE id = ? AND status = 'pending'`,
    [d.status, d.version, d.reviewedBy, d.reviewedAt, d.rejectReason, id],
  );
  return changes === 1;
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
  const q = sqlOf(db);
  const where = ['a.path LIKE ?'];
  const params: SqlParam[] = [`${f.path}%`];
  if (f.status) {
    where.push('p.status = ?');
    params.push(f.status);
  }
  if (f.kind) {
    where.push('p.kind = ?');
    params.push(f.kind);
  }
  if (f.areaId) {
    where.push('p.area_id = ?');
    params.push(f.areaId);
  }
  const rows = await q.all<PublicationRow & { areaName: string; proposer: string }>(
    `SELECT ${columns('p.')}, a.name AS "areaName", COALESCE(u.display_name, u.username) AS proposer
       FROM board_publications p
       JOIN areas a ON a.id = p.area_id
       JOIN users u ON u.id = p.proposed_by
      WHERE ${where.join(' AND ')}
      ORDER BY p.id DESC
      LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset],
  );
  const total = (await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM board_publications p JOIN areas a ON a.id = p.area_id WHERE ${where.join(' AND ')}`, params))?.n ?? 0;
  return { rows: rows.map(({ areaName, proposer, ...publication }) => ({ publication, areaName, proposer })), total };
}
