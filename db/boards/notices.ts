import { and, asc, eq, inArray, like } from 'drizzle-orm';
import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { areas, awards, households, objections, ruleVersions } from '../schema';

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
  return db
    .select({
      awardId: awards.id,
      villageId: awards.villageId,
      village: areas.name,
      villagePath: areas.path,
      headName: households.headName,
      doorNo: households.doorNo,
      rule: ruleVersions.name,
      quantity: awards.quantity,
      points: awards.points,
      occurredOn: awards.occurredOn,
      noticeEndsAt: awards.noticeEndsAt,
    })
    .from(awards)
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .innerJoin(households, eq(households.id, awards.householdId))
    .innerJoin(ruleVersions, eq(ruleVersions.id, awards.ruleVersionId))
    .where(and(eq(awards.status, 'notice'), like(areas.path, `${path}%`)))
    .orderBy(asc(awards.noticeEndsAt), asc(awards.id))
    .all();
}

export type ObjectionCounts = { open: number; upheld: number; dismissed: number };

/** Objections to the given awards counted by status (never who raised them). */
export async function objectionCounts(db: Db, awardIds: readonly number[]): Promise<Map<number, ObjectionCounts>> {
  const counts = new Map<number, ObjectionCounts>();
  const rows = selectInChunks(awardIds, (part) => db.select({ awardId: objections.awardId, status: objections.status }).from(objections).where(inArray(objections.awardId, part)).all());
  for (const o of rows) {
    const c = counts.get(o.awardId) ?? { open: 0, upheld: 0, dismissed: 0 };
    c[o.status] += 1;
    counts.set(o.awardId, c);
  }
  return counts;
}
