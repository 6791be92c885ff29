import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import type { AwardStatus } from '../schema/awards';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

export { awardStatuses, type AwardStatus } from '../schema/awards';

export interface AwardRow {
  id: number;
  householdId: number;
  villageId: number;
  ruleId: number;
  ruleVersionId: number;
  batchId: number | null;
  quantity: number;
  points: number;
  occurredOn: string;
  memberName: string | null;
  note: string | null;
  evidenceUrl: string | null;
  status: AwardStatus;
  proposedBy: number;
  proposedAt: number;
  reviewedBy: number | null;
  reviewedAt: number | null;
  rejectReason: string | null;
  noticeEndsAt: number | null;
  postedAt: number | null;
  ledgerEntryId: number | null;
}
export type AwardWithVillagePath = AwardRow & { villagePath: string };
type OptionalAward = 'batchId' | 'memberName' | 'note' | 'evidenceUrl' | 'reviewedBy' | 'reviewedAt' | 'rejectReason' | 'noticeEndsAt' | 'postedAt' | 'ledgerEntryId';
export type NewAward = Omit<AwardRow, 'id' | OptionalAward> & Partial<Pick<AwardRow, OptionalAward>>;

export interface AwardBatchRow {
  id: number;
  villageId: number | null;
  ruleId: number;
  occurredOn: string;
  count: number;
  note: string | null;
  proposedBy: number;
  createdAt: number;
}
export type NewAwardBatch = Omit<AwardBatchRow, 'id' | 'villageId' | 'note'> & Partial<Pick<AwardBatchRow, 'villageId' | 'note'>>;

export interface RuleVersionRow {
  id: number;
  ruleId: number;
  version: number;
  category: string;
  name: string;
  points: number;
  unit: string;
  monthlyCap: number | null;
  evidenceRequired: boolean;
  blackList: boolean;
  note: string | null;
  createdBy: number | null;
  createdAt: number;
}

/** Column and key of each field of an award row. */
const AWARD_FIELDS = [
  ['id', 'id'],
  ['household_id', 'householdId'],
  ['village_id', 'villageId'],
  ['rule_id', 'ruleId'],
  ['rule_version_id', 'ruleVersionId'],
  ['batch_id', 'batchId'],
  ['quantity', 'quantity'],
  ['points', 'points'],
  ['occurred_on', 'occurredOn'],
  ['member_name', 'memberName'],
  ['note', 'note'],
  ['evidence_url', 'evidenceUrl'],
  ['status', 'status'],
  ['proposed_by', 'proposedBy'],
  ['proposed_at', 'proposedAt'],
  ['reviewed_by', 'reviewedBy'],
  ['reviewed_at', 'reviewedAt'],
  ['reject_reason', 'rejectReason'],
  ['notice_ends_at', 'noticeEndsAt'],
  ['posted_at', 'postedAt'],
  ['ledger_entry_id', 'ledgerEntryId'],
] as const satisfies readonly (readonly [string, keyof AwardRow])[];

/**
 * The award's columns qualified by `table` (an alias and a dot, or nothing), named by their keys with
 * `prefix` in front: a prefix keeps them apart from another table's columns in the same row.
 */
export function awardColumns(table = '', prefix = ''): string {
  return AWARD_FIELDS.map(([column, key]) => `${table}${column} AS "${prefix}${key}"`).join(', ');
}

/** The award in a row selected with `awardColumns(table, prefix)`. */
export function awardOfRow(row: Record<string, unknown>, prefix: string): AwardRow {
  return Object.fromEntries(AWARD_FIELDS.map(([, key]) => [key, row[prefix + key]])) as unknown as AwardRow;
}

const AWARD = awardColumns();
const AW = awardColumns('aw.');

const INSERT_AWARD = `INSERT INTO awards (household_id, village_id, rule_id, rule_version_id, batch_id, quantity, points, occurred_on, member_name,
  note, evidence_url, status, proposed_by, proposed_at, reviewed_by, reviewed_at, reject_reason, notice_ends_at, posted_at, ledger_entry_id) VALUES`;
const AWARD_VALUES = `(${Array<string>(20).fill('?').join(', ')})`;

function awardParams(v: NewAward): SqlParam[] {
  return [
    v.householdId,
    v.villageId,
    v.ruleId,
    v.ruleVersionId,
    v.batchId ?? null,
    v.quantity,
    v.points,
    v.occurredOn,
    v.memberName ?? null,
    v.note ?? null,
    v.evidenceUrl ?? null,
    v.status,
    v.proposedBy,
    v.proposedAt,
    v.reviewedBy ?? null,
    v.reviewedAt ?? null,
    v.rejectReason ?? null,
    v.noticeEndsAt ?? null,
    v.postedAt ?? null,
    v.ledgerEntryId ?? null,
  ];
}

const marks = (n: number) => Array<string>(n).fill('?').join(', ');

/** An award with its village's materialised path (the input of the scope check), or undefined. */
export async function awardWithVillagePath(db: Db, id: number): Promise<AwardWithVillagePath | undefined> {
  return sqlOf(db).get<AwardWithVillagePath>(`SELECT ${AW}, a.path AS "villagePath" FROM awards aw JOIN areas a ON a.id = aw.village_id WHERE aw.id = ?`, [id]);
}

/** Awards by id with their villages' paths; ids that do not exist are simply absent. */
export async function awardsWithVillagePaths(db: Db, ids: readonly number[]): Promise<AwardWithVillagePath[]> {
  const q = sqlOf(db);
  return selectInChunks([...new Set(ids)], async (part) =>
    q.all<AwardWithVillagePath>(
      `SELECT ${AW}, a.path AS "villagePath" FROM awards aw JOIN areas a ON a.id = aw.village_id WHERE aw.id IN (${marks(part.length)}) ORDER BY aw.id`,
      part,
    ),
  );
}

export async function awardById(db: Db, id: number): Promise<AwardRow | undefined> {
  return sqlOf(db).get<AwardRow>(`SELECT ${AWARD} FROM awards WHERE id = ?`, [id]);
}

export async function insertAward(tx: Tx, values: NewAward): Promise<AwardRow> {
  return (await sqlOf(tx).get<AwardRow>(`${INSERT_AWARD} ${AWARD_VALUES} RETURNING ${AWARD}`, awardParams(values)))!;
}

export async function insertAwardBatch(tx: Tx, values: NewAwardBatch): Promise<AwardBatchRow> {
  const row = await sqlOf(tx).get<AwardBatchRow>(
    `INSERT INTO award_batches (village_id, rule_id, occurred_on, count, note, proposed_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     RETURNING id, village_id AS "villageId", rule_id AS "ruleId", occurred_on AS "occurredOn", count, note, proposed_by AS "proposedBy", created_at AS "createdAt"`,
    [values.villageId ?? null, values.ruleId, values.occurredOn, values.count, values.note ?? null, values.proposedBy, values.createdAt],
  );
  return row!;
}

/** Rows per INSERT: 200 rows x 20 columns stays well inside both engines' caps on bound variables. */
const INSERT_ROWS = 200;

/** Inserts many awards; returns their ids in input order. */
export async function insertAwards(tx: Tx, rows: readonly NewAward[]): Promise<number[]> {
  const q = sqlOf(tx);
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    const part = rows.slice(i, i + INSERT_ROWS);
    const inserted = await q.all<{ id: number }>(`${INSERT_AWARD} ${part.map(() => AWARD_VALUES).join(', ')} RETURNING id`, part.flatMap(awardParams));
    // Ids come from one sequence in insertion order; sorting does not depend on the order RETURNING lists them in.
    for (const r of inserted.sort((a, b) => a.id - b.id)) ids.push(r.id);
  }
  return ids;
}

/** Rejects a pending award; false when it is no longer pending. */
export async function rejectPendingAward(tx: Tx, id: number, reviewerId: number, at: number, reason: string): Promise<boolean> {
  const { changes } = await sqlOf(tx).run(
    `UPDATE awards SET status = 'rejected', reviewed_by = ?, reviewed_at = ?, reject_reason = ? WHERE id = ? AND status = 'pending'`,
    [reviewerId, at, reason, id],
  );
  return changes === 1;
}

/** Takes an award off notice and back to pending review; false when it was not on notice. */
export async function returnAwardToReview(tx: Tx, id: number): Promise<boolean> {
  const { changes } = await sqlOf(tx).run(
    `UPDATE awards SET status = 'pending', notice_ends_at = NULL, reviewed_by = NULL, reviewed_at = NULL WHERE id = ? AND status = 'notice'`,
    [id],
  );
  return changes === 1;
}

/**
 * Awards whose notice ended by `at` with no open objection, oldest first; only in villages under
 * `areaPath` when given.
 */
export async function dueAwards(db: Db, at: number, limit: number, areaPath?: string): Promise<AwardRow[]> {
  const params: SqlParam[] = [at];
  let inArea = '';
  if (areaPath) {
    inArea = ' AND aw.village_id IN (SELECT id FROM areas WHERE path LIKE ?)';
    params.push(`${areaPath}%`);
  }
  return sqlOf(db).all<AwardRow>(
    `SELECT ${AW} FROM awards aw
      WHERE aw.status = 'notice' AND aw.notice_ends_at <= ?
        AND NOT EXISTS (SELECT 1 FROM objections o WHERE o.award_id = aw.id AND o.status = 'open')${inArea}
      ORDER BY aw.id
      LIMIT ?`,
    [...params, limit],
  );
}

export async function ruleVersionById(db: Db, id: number): Promise<RuleVersionRow | undefined> {
  const row = await sqlOf(db).get<Omit<RuleVersionRow, 'evidenceRequired' | 'blackList'> & { evidenceRequired: boolean | number; blackList: boolean | number }>(
    `SELECT id, rule_id AS "ruleId", version, category, name, points, unit, monthly_cap AS "monthlyCap", evidence_required AS "evidenceRequired",
            black_list AS "blackList", note, created_by AS "createdBy", created_at AS "createdAt"
       FROM rule_versions WHERE id = ?`,
    [id],
  );
  return row && { ...row, evidenceRequired: Boolean(row.evidenceRequired), blackList: Boolean(row.blackList) };
}

/** What a public notice shows of a household: head name and door number, to be masked by the caller. */
export async function householdNoticeName(db: Db, householdId: number): Promise<{ headName: string; doorNo: string | null } | undefined> {
  return sqlOf(db).get<{ headName: string; doorNo: string | null }>('SELECT head_name AS "headName", door_no AS "doorNo" FROM households WHERE id = ?', [householdId]);
}

export interface AwardFilter {
  villageIds: number[];
  /** Only this household's awards (a household user). */
  onlyHouseholdId?: number;
  status?: AwardStatus;
  householdId?: number;
  batchId?: number;
  limit: number;
  offset: number;
}

export interface AwardListItem {
  id: number;
  householdId: number;
  headName: string;
  doorNo: string | null;
  villageId: number;
  villageName: string;
  ruleId: number;
  ruleName: string;
  category: string;
  unit: string;
  quantity: number;
  points: number;
  occurredOn: string;
  memberName: string | null;
  note: string | null;
  evidenceUrl: string | null;
  status: AwardStatus;
  batchId: number | null;
  proposedBy: number;
  proposerName: string;
  proposedAt: number;
  reviewedAt: number | null;
  rejectReason: string | null;
  noticeEndsAt: number | null;
  postedAt: number | null;
  openObjections: number;
}

/** A page of awards, newest first, with household, village, rule and proposer names, and the total. */
export async function listAwardsPage(db: Db, f: AwardFilter): Promise<{ items: AwardListItem[]; total: number }> {
  const q = sqlOf(db);
  // An empty list matches nothing, as drizzle's inArray() did (`IN ()` is not valid on PostgreSQL).
  const conditions = [f.villageIds.length ? `aw.village_id IN (${marks(f.villageIds.length)})` : 'FALSE'];
  const params: SqlParam[] = [...f.villageIds];
  if (f.onlyHouseholdId !== undefined) {
    conditions.push('aw.household_id = ?');
    params.push(f.onlyHouseholdId);
  }
  if (f.status) {
    conditions.push('aw.status = ?');
    params.push(f.status);
  }
  if (f.householdId) {
    conditions.push('aw.household_id = ?');
    params.push(f.householdId);
  }
  if (f.batchId) {
    conditions.push('aw.batch_id = ?');
    params.push(f.batchId);
  }
  const where = conditions.join(' AND ');
  const items = await q.all<AwardListItem>(
    `SELECT aw.id, aw.household_id AS "householdId", h.head_name AS "headName", h.door_no AS "doorNo", aw.village_id AS "villageId",
            a.name AS "villageName", aw.rule_id AS "ruleId", r.name AS "ruleName", r.category, r.unit, aw.quantity, aw.points,
            aw.occurred_on AS "occurredOn", aw.member_name AS "memberName", aw.note, aw.evidence_url AS "evidenceUrl", aw.status,
            aw.batch_id AS "batchId", aw.proposed_by AS "proposedBy", COALESCE(p.display_name, p.username) AS "proposerName",
            aw.proposed_at AS "proposedAt", aw.reviewed_at AS "reviewedAt", aw.reject_reason AS "rejectReason",
            aw.notice_ends_at AS "noticeEndsAt", aw.posted_at AS "postedAt",
            (SELECT COUNT(*) FROM objections o WHERE o.award_id = aw.id AND o.status = 'open') AS "openObjections"
       FROM awards aw
       JOIN households h ON h.id = aw.household_id
       JOIN areas a ON a.id = aw.village_id
       JOIN rules r ON r.id = aw.rule_id
       JOIN users p ON p.id = aw.proposed_by
      WHERE ${where}
      ORDER BY aw.id DESC
      LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset],
  );
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM awards aw WHERE ${where}`, params);
  return { items, total: total?.n ?? 0 };
}
