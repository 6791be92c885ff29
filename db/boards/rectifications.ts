import type { Db } from '../client';
import type { LedgerKind } from '../schema/ledger';
import type { ReviewStatus } from '../schema/boards';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

/** A rectification (整改) as stored (see the `rectifications` table). */
export interface RectificationRow {
  id: number;
  ledgerEntryId: number;
  householdId: number;
  villageId: number;
  note: string;
  rectifiedOn: string;
  status: ReviewStatus;
  proposedBy: number;
  proposedAt: number;
  reviewedBy: number | null;
  reviewedAt: number | null;
  rejectReason: string | null;
}

export type NewRectification = Omit<RectificationRow, 'id' | 'status' | 'reviewedBy' | 'reviewedAt' | 'rejectReason'> &
  Partial<Pick<RectificationRow, 'reviewedBy' | 'reviewedAt' | 'rejectReason'>>;

// In the table's order, so a row (and the audit record of one) reads as it always has. `p` qualifies the columns ('r.' in joins).
const columns = (p: string) => `${p}id AS id, ${p}ledger_entry_id AS "ledgerEntryId", ${p}household_id AS "householdId", ${p}village_id AS "villageId", ${p}note AS note,
  ${p}rectified_on AS "rectifiedOn", ${p}status AS status, ${p}proposed_by AS "proposedBy", ${p}proposed_at AS "proposedAt", ${p}reviewed_by AS "reviewedBy",
  ${p}reviewed_at AS "reviewedAt", ${p}reject_reason AS "rejectReason"`;
const COLUMNS = columns('r.');

/** A ledger entry as a rectification needs it: who, where, what kind, and whether its rule is a black-list rule. */
export interface RectifiableEntry {
  id: number;
  householdId: number;
  villageId: number;
  kind: LedgerKind;
  villagePath: string;
  /** The rule version the deduction was made under decides; direct entries fall back to the rule head. */
  blackListed: boolean;
}

export async function rectifiableEntry(db: Db, entryId: number): Promise<RectifiableEntry | undefined> {
  const row = await sqlOf(db).get<Omit<RectifiableEntry, 'blackListed'> & { black: number | boolean | null }>(
    `SELECT e.id AS id, e.household_id AS "householdId", e.village_id AS "villageId", e.kind AS kind, a.path AS "villagePath",
            COALESCE(rv.black_list, ru.black_list) AS black
       FROM ledger_entries e
       JOIN areas a ON a.id = e.village_id
       LEFT JOIN awards aw ON aw.id = e.award_id
       LEFT JOIN rule_versions rv ON rv.id = aw.rule_version_id
       LEFT JOIN rules ru ON ru.id = e.rule_id
      WHERE e.id = ?`,
    [entryId],
  );
  if (!row) return undefined;
  const { black, ...entry } = row;
  return { ...entry, blackListed: Boolean(black) };
}

/** True when a reversal undoes the entry. */
export async function isEntryReversed(db: Db, entryId: number): Promise<boolean> {
  return (await sqlOf(db).get<{ id: number }>('SELECT id FROM ledger_entries WHERE reverses_id = ? LIMIT 1', [entryId])) != null;
}

/** A pending or approved rectification of the entry, if any. */
export async function openRectification(db: Db, entryId: number): Promise<{ id: number; status: ReviewStatus } | undefined> {
  // The (entry, status) index's order: an approved one before a pending one.
  return sqlOf(db).get<{ id: number; status: ReviewStatus }>(
    `SELECT id, status FROM rectifications WHERE ledger_entry_id = ? AND status IN ('pending', 'approved') ORDER BY status, id LIMIT 1`,
    [entryId],
  );
}

export async function insertRectification(tx: Tx, v: NewRectification): Promise<RectificationRow> {
  const row = await sqlOf(tx).get<RectificationRow>(
    `INSERT INTO rectifications (ledger_entry_id, household_id, village_id, note, rectified_on, proposed_by, proposed_at, reviewed_by, reviewed_at, reject_reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${columns('')}`,
    [v.ledgerEntryId, v.householdId, v.villageId, v.note, v.rectifiedOn, v.proposedBy, v.proposedAt, v.reviewedBy ?? null, v.reviewedAt ?? null, v.rejectReason ?? null],
  );
  // RETURNING always answers the inserted row.
  return row!;
}

/** A rectification with its village's materialised path (the input of the scope check). */
export async function rectificationWithPath(db: Db, id: number): Promise<{ rectification: RectificationRow; path: string } | undefined> {
  const row = await sqlOf(db).get<RectificationRow & { path: string }>(`SELECT ${COLUMNS}, a.path AS path FROM rectifications r JOIN areas a ON a.id = r.village_id WHERE r.id = ?`, [id]);
  if (!row) return undefined;
  const { path, ...rectification } = row;
  return { rectification, path };
}

/** Decides a pending rectification; false when it is no longer pending. */
export async function decidePendingRectification(
  tx: Tx,
  id: number,
  d: { status: Exclude<ReviewStatus, 'pending'>; reviewedBy: number; reviewedAt: number; rejectReason: string | null },
): Promise<boolean> {
  const { changes } = await sqlOf(tx).run(`UPDATE rectifications SET status = ?, reviewed_by = ?, reviewed_at = ?, reject_reason = ? WHERE id = ? AND status = 'pending'`, [
    d.status,
    d.reviewedBy,
    d.reviewedAt,
    d.rejectReason,
    id,
  ]);
  return changes === 1;
}

export interface RectificationFilter {
  path: string;
  status?: ReviewStatus;
  villageId?: number;
  limit: number;
  offset: number;
}

export interface RectificationListRow {
  rectification: RectificationRow;
  village: string;
  headName: string;
  /** The rule head's name, or null for an entry without a rule. */
  conduct: string | null;
  occurredOn: string;
  conductPoints: number;
}

/** Rectifications under a path, newest first, with the household and the entry they concern; and how many match. */
export async function listRectificationRows(db: Db, f: RectificationFilter): Promise<{ rows: RectificationListRow[]; total: number }> {
  const q = sqlOf(db);
  const where = ['a.path LIKE ?'];
  const params: SqlParam[] = [`${f.path}%`];
  if (f.status) {
    where.push('r.status = ?');
    params.push(f.status);
  }
  if (f.villageId) {
    where.push('r.village_id = ?');
    params.push(f.villageId);
  }
  const rows = await q.all<RectificationRow & Omit<RectificationListRow, 'rectification'>>(
    `SELECT ${COLUMNS}, a.name AS village, h.head_name AS "headName", ru.name AS conduct, e.occurred_on AS "occurredOn", e.conduct_points AS "conductPoints"
       FROM rectifications r
       JOIN areas a ON a.id = r.village_id
       JOIN households h ON h.id = r.household_id
       JOIN ledger_entries e ON e.id = r.ledger_entry_id
       LEFT JOIN rules ru ON ru.id = e.rule_id
      WHERE ${where.join(' AND ')}
      ORDER BY r.id DESC
      LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset],
  );
  const total = (await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM rectifications r JOIN areas a ON a.id = r.village_id WHERE ${where.join(' AND ')}`, params))?.n ?? 0;
  return {
    rows: rows.map(({ village, headName, conduct, occurredOn, conductPoints, ...rectification }) => ({ rectification, village, headName, conduct, occurredOn, conductPoints })),
    total,
  };
}
