import { and, count, desc, eq, inArray, like, lte, notExists, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { areas, awardBatches, awards, households, objections, rules, ruleVersions, users } from '../schema';
import type { Tx } from '../transaction';

export { awardStatuses, type AwardStatus } from '../schema/awards';

export type AwardRow = typeof awards.$inferSelect;
export type AwardWithVillagePath = AwardRow & { villagePath: string };
export type NewAward = Omit<typeof awards.$inferInsert, 'id'>;
export type AwardBatchRow = typeof awardBatches.$inferSelect;
export type RuleVersionRow = typeof ruleVersions.$inferSelect;

/** An award with its village's materialised path (the input of the scope check), or undefined. */
export async function awardWithVillagePath(db: Db, id: number): Promise<AwardWithVillagePath | undefined> {
  const row = db.select({ award: awards, villagePath: areas.path }).from(awards).innerJoin(areas, eq(areas.id, awards.villageId)).where(eq(awards.id, id)).get();
  return row && { ...row.award, villagePath: row.villagePath };
}

/** Awards by id with their villages' paths; ids that do not exist are simply absent. */
export async function awardsWithVillagePaths(db: Db, ids: readonly number[]): Promise<AwardWithVillagePath[]> {
  return selectInChunks([...new Set(ids)], (part) =>
    db
      .select({ award: awards, villagePath: areas.path })
      .from(awards)
      .innerJoin(areas, eq(areas.id, awards.villageId))
      .where(inArray(awards.id, part))
      .all()
      .map((r) => ({ ...r.award, villagePath: r.villagePath })),
  );
}

export async function awardById(db: Db, id: number): Promise<AwardRow | undefined> {
  return db.select().from(awards).where(eq(awards.id, id)).get();
}

export async function insertAward(tx: Tx, values: NewAward): Promise<AwardRow> {
  return tx.insert(awards).values(values).returning().get();
}

export async function insertAwardBatch(tx: Tx, values: Omit<typeof awardBatches.$inferInsert, 'id'>): Promise<AwardBatchRow> {
  return tx.insert(awardBatches).values(values).returning().get();
}

/** Inserts many awards; returns their ids in input order. */
export async function insertAwards(tx: Tx, rows: readonly NewAward[]): Promise<number[]> {
  const ids: number[] = [];
  // SQLite caps bound variables per statement; 200 rows x 13 columns stays well inside it.
  for (let i = 0; i < rows.length; i += 200) {
    for (const r of tx.insert(awards).values(rows.slice(i, i + 200)).returning({ id: awards.id }).all()) ids.push(r.id);
  }
  return ids;
}

/** Rejects a pending award; false when it is no longer pending. */
export async function rejectPendingAward(tx: Tx, id: number, reviewerId: number, at: number, reason: string): Promise<boolean> {
  const changed = tx
    .update(awards)
    .set({ status: 'rejected', reviewedBy: reviewerId, reviewedAt: at, rejectReason: reason })
    .where(and(eq(awards.id, id), eq(awards.status, 'pending')))
    .run().changes;
  return changed === 1;
}

/** Takes an award off notice and back to pending review; false when it was not on notice. */
export async function returnAwardToReview(tx: Tx, id: number): Promise<boolean> {
  const changed = tx
    .update(awards)
    .set({ status: 'pending', noticeEndsAt: null, reviewedBy: null, reviewedAt: null })
    .where(and(eq(awards.id, id), eq(awards.status, 'notice')))
    .run().changes;
  return changed === 1;
}

/**
 * Awards whose notice ended by `at` with no open objection, oldest first; only in villages under
 * `areaPath` when given.
 */
export async function dueAwards(db: Db, at: number, limit: number, areaPath?: string): Promise<AwardRow[]> {
  const open = db.select({ id: objections.id }).from(objections).where(and(eq(objections.awardId, awards.id), eq(objections.status, 'open')));
  const where = and(
    eq(awards.status, 'notice'),
    lte(awards.noticeEndsAt, at),
    notExists(open),
    areaPath ? inArray(awards.villageId, db.select({ id: areas.id }).from(areas).where(like(areas.path, `${areaPath}%`))) : undefined,
  );
  return db.select().from(awards).where(where).orderBy(awards.id).limit(limit).all();
}

export async function ruleVersionById(db: Db, id: number): Promise<RuleVersionRow | undefined> {
  return db.select().from(ruleVersions).where(eq(ruleVersions.id, id)).get();
}

/** What a public notice shows of a household: head name and door number, to be masked by the caller. */
export async function householdNoticeName(db: Db, householdId: number): Promise<{ headName: string; doorNo: string | null } | undefined> {
  return db.select({ headName: households.headName, doorNo: households.doorNo }).from(households).where(eq(households.id, householdId)).get();
}

export interface AwardFilter {
  villageIds: number[];
  /** Only this household's awards (a household user). */
  onlyHouseholdId?: number;
  status?: AwardRow['status'];
  householdId?: number;
  batchId?: number;
  limit: number;
  offset: number;
}

const proposer = alias(users, 'proposer');

/** A page of awards, newest first, with household, village, rule and proposer names, and the total. */
export async function listAwardsPage(db: Db, f: AwardFilter) {
  const conditions: (SQL | undefined)[] = [
    inArray(awards.villageId, f.villageIds),
    f.onlyHouseholdId !== undefined ? eq(awards.householdId, f.onlyHouseholdId) : undefined,
    f.status ? eq(awards.status, f.status) : undefined,
    f.householdId ? eq(awards.householdId, f.householdId) : undefined,
    f.batchId ? eq(awards.batchId, f.batchId) : undefined,
  ];
  const where = and(...conditions);
  const items = db
    .select({
      id: awards.id,
      householdId: awards.householdId,
      headName: households.headName,
      doorNo: households.doorNo,
      villageId: awards.villageId,
      villageName: areas.name,
      ruleId: awards.ruleId,
      ruleName: rules.name,
      category: rules.category,
      unit: rules.unit,
      quantity: awards.quantity,
      points: awards.points,
      occurredOn: awards.occurredOn,
      memberName: awards.memberName,
      note: awards.note,
      evidenceUrl: awards.evidenceUrl,
      status: awards.status,
      batchId: awards.batchId,
      proposedBy: awards.proposedBy,
      proposerName: sql<string>`COALESCE(${proposer.displayName}, ${proposer.username})`,
      proposedAt: awards.proposedAt,
      reviewedAt: awards.reviewedAt,
      rejectReason: awards.rejectReason,
      noticeEndsAt: awards.noticeEndsAt,
      postedAt: awards.postedAt,
      openObjections: sql<number>`(SELECT COUNT(*) FROM ${objections} WHERE ${objections.awardId} = ${awards.id} AND ${objections.status} = 'open')`,
    })
    .from(awards)
    .innerJoin(households, eq(households.id, awards.householdId))
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .innerJoin(rules, eq(rules.id, awards.ruleId))
    .innerJoin(proposer, eq(proposer.id, awards.proposedBy))
    .where(where)
    .orderBy(desc(awards.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(awards).where(where).get()?.n ?? 0;
  return { items, total };
}
