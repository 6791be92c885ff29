import type { Db } from '../client';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';
import { awardColumns, awardOfRow, type AwardRow, type AwardStatus } from './awards';

export type ObjectionStatus = 'open' | 'upheld' | 'dismissed';

export interface ObjectionRow {
  id: number;
  awardId: number;
  userId: number;
  reason: string;
  status: ObjectionStatus;
  resolution: string | null;
  resolvedBy: number | null;
  resolvedAt: number | null;
  createdAt: number;
}

/** The objection's columns, each qualified by `p` (a table alias and a dot, or nothing). */
const columns = (p: string) => `${p}id, ${p}award_id AS "awardId", ${p}user_id AS "userId", ${p}reason, ${p}status, ${p}resolution,
  ${p}resolved_by AS "resolvedBy", ${p}resolved_at AS "resolvedAt", ${p}created_at AS "createdAt"`;
const OBJECTION = columns('');

const marks = (n: number) => Array<string>(n).fill('?').join(', ');

/** An award's objections, oldest first. */
export async function objectionsOfAward(db: Db, awardId: number): Promise<ObjectionRow[]> {
  return sqlOf(db).all<ObjectionRow>(`SELECT ${OBJECTION} FROM objections WHERE award_id = ? ORDER BY id`, [awardId]);
}

/** The open objection a user has against an award, if any. */
export async function openObjectionOf(tx: Tx, awardId: number, userId: number): Promise<{ id: number } | undefined> {
  return sqlOf(tx).get<{ id: number }>(`SELECT id FROM objections WHERE award_id = ? AND user_id = ? AND status = 'open' ORDER BY id LIMIT 1`, [awardId, userId]);
}

export async function hasOpenObjection(tx: Tx, awardId: number): Promise<boolean> {
  return (await sqlOf(tx).get<{ id: number }>(`SELECT id FROM objections WHERE award_id = ? AND status = 'open' LIMIT 1`, [awardId])) !== undefined;
}

export async function insertObjection(tx: Tx, values: { awardId: number; userId: number; reason: string; createdAt: number }): Promise<ObjectionRow> {
  const row = await sqlOf(tx).get<ObjectionRow>(
    `INSERT INTO objections (award_id, user_id, reason, created_at) VALUES (?, ?, ?, ?) RETURNING ${OBJECTION}`,
    [values.awardId, values.userId, values.reason, values.createdAt],
  );
  return row!;
}

/** An objection with its award and the award's village path, or undefined. */
export async function objectionWithAward(db: Db, id: number): Promise<{ objection: ObjectionRow; award: AwardRow; villagePath: string } | undefined> {
  const row = await sqlOf(db).get<ObjectionRow & { villagePath: string } & Record<string, unknown>>(
    `SELECT ${columns('o.')}, ${awardColumns('aw.', 'award.')}, a.path AS "villagePath"
       FROM objections o
       JOIN awards aw ON aw.id = o.award_id
       JOIN areas a ON a.id = aw.village_id
      WHERE o.id = ?`,
    [id],
  );
  if (!row) return undefined;
  const { id: objectionId, awardId, userId, reason, status, resolution, resolvedBy, resolvedAt, createdAt } = row;
  return {
    objection: { id: objectionId, awardId, userId, reason, status, resolution, resolvedBy, resolvedAt, createdAt },
    award: awardOfRow(row, 'award.'),
    villagePath: row.villagePath,
  };
}

/** Closes one open objection; false when it is no longer open. */
export async function resolveOpenObjection(tx: Tx, id: number, status: 'upheld' | 'dismissed', resolution: string, by: number, at: number): Promise<boolean> {
  const { changes } = await sqlOf(tx).run(
    `UPDATE objections SET status = ?, resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ? AND status = 'open'`,
    [status, resolution, by, at, id],
  );
  return changes === 1;
}

/** Upholds every open objection of an award (they go back to review together). */
export async function upholdOpenObjections(tx: Tx, awardId: number, resolution: string, by: number, at: number): Promise<void> {
  await sqlOf(tx).run(
    `UPDATE objections SET status = 'upheld', resolution = ?, resolved_by = ?, resolved_at = ? WHERE award_id = ? AND status = 'open'`,
    [resolution, by, at, awardId],
  );
}

export interface ObjectionListItem {
  id: number;
  awardId: number;
  reason: string;
  status: ObjectionStatus;
  resolution: string | null;
  createdAt: number;
  resolvedAt: number | null;
  headName: string;
  villageName: string;
  ruleName: string;
  points: number;
  awardStatus: AwardStatus;
  noticeEndsAt: number | null;
}

/** A page of objections to awards in `villageIds`, newest first, with the award's context, and the total. */
export async function listObjectionsPage(
  db: Db,
  f: { villageIds: number[]; status?: ObjectionStatus; limit: number; offset: number },
): Promise<{ items: ObjectionListItem[]; total: number }> {
  const q = sqlOf(db);
  // An empty list matches nothing (`IN ()` is not valid on PostgreSQL).
  let where = f.villageIds.length ? `aw.village_id IN (${marks(f.villageIds.length)})` : 'FALSE';
  const params: SqlParam[] = [...f.villageIds];
  if (f.status) {
    where += ' AND o.status = ?';
    params.push(f.status);
  }
  const items = await q.all<ObjectionListItem>(
    `SELECT o.id, o.award_id AS "awardId", o.reason, o.status, o.resolution, o.created_at AS "createdAt", o.resolved_at AS "resolvedAt",
            h.head_name AS "headName", a.name AS "villageName", r.name AS "ruleName", aw.points, aw.status AS "awardStatus",
            aw.notice_ends_at AS "noticeEndsAt"
       FROM objections o
       JOIN awards aw ON aw.id = o.award_id
       JOIN households h ON h.id = aw.household_id
       JOIN areas a ON a.id = aw.village_id
       JOIN rules r ON r.id = aw.rule_id
      WHERE ${where}
      ORDER BY o.id DESC
      LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset],
  );
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM objections o JOIN awards aw ON aw.id = o.award_id WHERE ${where}`, params);
  return { items, total: total?.n ?? 0 };
}

export interface HouseholdObjection {
  id: number;
  awardId: number;
  status: ObjectionStatus;
  resolution: string | null;
  createdAt: number;
  resolvedAt: number | null;
  awardStatus: AwardStatus;
  points: number;
  occurredOn: string;
  ruleName: string;
  headName: string;
  doorNo: string | null;
  villagePath: string;
}

/** The newest objections raised by some accounts (a household's logins), with the award they are about. */
export async function objectionsByUsers(db: Db, userIds: readonly number[], limit: number): Promise<HouseholdObjection[]> {
  if (!userIds.length) return [];
  return sqlOf(db).all<HouseholdObjection>(
    `SELECT o.id, o.award_id AS "awardId", o.status, o.resolution, o.created_at AS "createdAt", o.resolved_at AS "resolvedAt",
            aw.status AS "awardStatus", aw.points, aw.occurred_on AS "occurredOn", r.name AS "ruleName", h.head_name AS "headName",
            h.door_no AS "doorNo", a.path AS "villagePath"
       FROM objections o
       JOIN awards aw ON aw.id = o.award_id
       JOIN households h ON h.id = aw.household_id
       JOIN areas a ON a.id = aw.village_id
       JOIN rules r ON r.id = aw.rule_id
      WHERE o.user_id IN (${marks(userIds.length)})
      ORDER BY o.id DESC
      LIMIT ?`,
    [...userIds, limit],
  );
}
