import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, awards, households, objections, rules } from '../schema';
import type { Tx } from '../transaction';
import type { AwardRow } from './awards';

export type ObjectionRow = typeof objections.$inferSelect;
export type ObjectionStatus = ObjectionRow['status'];

/** An award's objections, oldest first. */
export async function objectionsOfAward(db: Db, awardId: number): Promise<ObjectionRow[]> {
  return db.select().from(objections).where(eq(objections.awardId, awardId)).orderBy(asc(objections.id)).all();
}

/** The open objection a user has against an award, if any. */
export async function openObjectionOf(tx: Tx, awardId: number, userId: number): Promise<{ id: number } | undefined> {
  return tx
    .select({ id: objections.id })
    .from(objections)
    .where(and(eq(objections.awardId, awardId), eq(objections.userId, userId), eq(objections.status, 'open')))
    .get();
}

export async function hasOpenObjection(tx: Tx, awardId: number): Promise<boolean> {
  return !!tx.select({ id: objections.id }).from(objections).where(and(eq(objections.awardId, awardId), eq(objections.status, 'open'))).get();
}

export async function insertObjection(tx: Tx, values: { awardId: number; userId: number; reason: string; createdAt: number }): Promise<ObjectionRow> {
  return tx.insert(objections).values(values).returning().get();
}

/** An objection with its award and the award's village path, or undefined. */
export async function objectionWithAward(db: Db, id: number): Promise<{ objection: ObjectionRow; award: AwardRow; villagePath: string } | undefined> {
  return db
    .select({ objection: objections, award: awards, villagePath: areas.path })
    .from(objections)
    .innerJoin(awards, eq(awards.id, objections.awardId))
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .where(eq(objections.id, id))
    .get();
}

/** Closes one open objection; false when it is no longer open. */
export async function resolveOpenObjection(tx: Tx, id: number, status: 'upheld' | 'dismissed', resolution: string, by: number, at: number): Promise<boolean> {
  const changed = tx
    .update(objections)
    .set({ status, resolution, resolvedBy: by, resolvedAt: at })
    .where(and(eq(objections.id, id), eq(objections.status, 'open')))
    .run().changes;
  return changed === 1;
}

/** Upholds every open objection of an award (they go back to review together). */
export async function upholdOpenObjections(tx: Tx, awardId: number, resolution: string, by: number, at: number): Promise<void> {
  tx.update(objections)
    .set({ status: 'upheld', resolution, resolvedBy: by, resolvedAt: at })
    .where(and(eq(objections.awardId, awardId), eq(objections.status, 'open')))
    .run();
}

/** A page of objections to awards in `villageIds`, newest first, with the award's context, and the total. */
export async function listObjectionsPage(db: Db, f: { villageIds: number[]; status?: ObjectionStatus; limit: number; offset: number }) {
  const conditions: (SQL | undefined)[] = [inArray(awards.villageId, f.villageIds), f.status ? eq(objections.status, f.status) : undefined];
  const where = and(...conditions);
  const items = db
    .select({
      id: objections.id,
      awardId: objections.awardId,
      reason: objections.reason,
      status: objections.status,
      resolution: objections.resolution,
      createdAt: objections.createdAt,
      resolvedAt: objections.resolvedAt,
      headName: households.headName,
      villageName: areas.name,
      ruleName: rules.name,
      points: awards.points,
      awardStatus: awards.status,
      noticeEndsAt: awards.noticeEndsAt,
    })
    .from(objections)
    .innerJoin(awards, eq(awards.id, objections.awardId))
    .innerJoin(households, eq(households.id, awards.householdId))
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .innerJoin(rules, eq(rules.id, awards.ruleId))
    .where(where)
    .orderBy(desc(objections.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(objections).innerJoin(awards, eq(awards.id, objections.awardId)).where(where).get()?.n ?? 0;
  return { items, total };
}

/** The newest objections raised by some accounts (a household's logins), with the award they are about. */
export async function objectionsByUsers(db: Db, userIds: readonly number[], limit: number) {
  if (!userIds.length) return [];
  return db
    .select({
      id: objections.id,
      awardId: objections.awardId,
      status: objections.status,
      resolution: objections.resolution,
      createdAt: objections.createdAt,
      resolvedAt: objections.resolvedAt,
      awardStatus: awards.status,
      points: awards.points,
      occurredOn: awards.occurredOn,
      ruleName: rules.name,
      headName: households.headName,
      doorNo: households.doorNo,
      villagePath: areas.path,
    })
    .from(objections)
    .innerJoin(awards, eq(awards.id, objections.awardId))
    .innerJoin(households, eq(households.id, awards.householdId))
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .innerJoin(rules, eq(rules.id, awards.ruleId))
    .where(inArray(objections.userId, [...userIds]))
    .orderBy(desc(objections.id))
    .limit(limit)
    .all();
}
