import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { sqlOf } from '../sql';

export interface NoticeRow {
  awardId: number;
  villageId: number;
  village: string;
  villagePath: string;
  headName: string;
  doorNo: string | null;
  rule: string;
  quantity: number;
  points: number;
  occurredOn: string;
  noticeEndsAt: number | null;
}

/** Awards on public notice at or below a path, soonest-ending first. */
export async function awardsOnNotice(db: Db, path: string): Promise<NoticeRow[]> {
  // NULLS FIRST: an award without an end leads on both engines, as SQLite orders NULL by default.
  return sqlOf(db).all<NoticeRow>(
    `SELECT aw.id AS "awardId", aw.village_id AS "villageId", a.name AS village, a.path AS "villagePath", h.head_name AS "headName", h.door_no AS "doorNo",
            rv.name AS rule, aw.quantity AS quantity, aw.points AS points, aw.occurred_on AS "occurredOn", aw.notice_ends_at AS "noticeEndsAt"
       FROM awards aw
       JOIN areas a ON a.id = aw.village_id
       JOIN households h ON h.id = aw.household_id
       JOIN rule_versions rv ON rv.id = aw.rule_version_id
      WHERE aw.status = 'notice' AND a.path LIKE ?
      ORDER BY aw.notice_ends_at ASC NULLS FIRST, aw.id ASC`,
    [`${path}%`],
  );
}

export type ObjectionCounts = { open: number; upheld: number; dismissed: number };

/** Objections to the given awards counted by status (never who raised them). */
export async function objectionCounts(db: Db, awardIds: readonly number[]): Promise<Map<number, ObjectionCounts>> {
  const q = sqlOf(db);
  const counts = new Map<number, ObjectionCounts>();
  const rows = await selectInChunks(awardIds, async (part) =>
    q.all<{ awardId: number; status: keyof ObjectionCounts }>(`SELECT award_id AS "awardId", status FROM objections WHERE award_id IN (${part.map(() => '?').join(', ')})`, part),
  );
  for (const o of rows) {
    const c = counts.get(o.awardId) ?? { open: 0, upheld: 0, dismissed: 0 };
    c[o.status] += 1;
    counts.set(o.awardId, c);
  }
  return counts;
}
