import { and, asc, count, desc, eq, getTableColumns, inArray, isNull, like, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { awards, householdCards, householdCategoryHistory, householdMembers, householdPeriodScores, households } from '../schema';
import { householdCategories, type HouseholdCategory } from '../schema/households';
import type { Tx } from '../transaction';

export { householdCategories, type HouseholdCategory };

// The pseudonym seed is secret (db/ledger/pseudonym.ts): a household row read here never carries it, so no answer or audit row can.
const { pseudonymSeed: _secret, ...householdColumns } = getTableColumns(households);
export type HouseholdRow = Omit<typeof households.$inferSelect, 'pseudonymSeed'>;
export type HouseholdStatus = HouseholdRow['status'];
export type MemberRow = typeof householdMembers.$inferSelect;

export async function householdById(db: Db, id: number): Promise<HouseholdRow | undefined> {
  return db.select(householdColumns).from(households).where(eq(households.id, id)).get();
}

/** The village of the household holding this ID number (other than `exceptId`), if any. */
export async function idNumberHolder(db: Db, idNumber: string, exceptId?: number): Promise<{ villageId: number } | undefined> {
  return db
    .select({ villageId: households.villageId })
    .from(households)
    .where(and(eq(households.idNumber, idNumber), exceptId === undefined ? undefined : ne(households.id, exceptId)))
    .get();
}

export interface NewHousehold {
  villageId: number;
  groupId: number | null;
  headName: string;
  nameInitials: string;
  doorNo: string | null;
  phone: string | null;
  idNumber: string | null;
  category: HouseholdCategory;
  createdAt: number;
}

export async function insertHousehold(tx: Tx, h: NewHousehold): Promise<HouseholdRow> {
  return tx
    .insert(households)
    .values({ ...h, updatedAt: h.createdAt })
    .returning()
    .get();
}

export interface HouseholdPatch {
  headName?: string;
  nameInitials?: string;
  groupId?: number | null;
  doorNo?: string | null;
  phone?: string | null;
  idNumber?: string | null;
  status?: HouseholdStatus;
  category?: HouseholdCategory;
  updatedAt: number;
}

export async function updateHouseholdRow(tx: Tx, id: number, patch: HouseholdPatch): Promise<void> {
  tx.update(households).set(patch).where(eq(households.id, id)).run();
}

/** Keeps the head's member row named as the household's head. */
export async function renameHeadMember(tx: Tx, householdId: number, name: string): Promise<void> {
  tx.update(householdMembers)
    .set({ name })
    .where(and(eq(householdMembers.householdId, householdId), eq(householdMembers.relation, 'head')))
    .run();
}

export interface NewMember {
  householdId: number;
  name: string;
  relation: string;
  idNumber: string | null;
  phone: string | null;
  isProxy: boolean;
  createdAt: number;
}

export async function insertMember(tx: Tx, m: NewMember): Promise<MemberRow> {
  return tx.insert(householdMembers).values(m).returning().get();
}

export async function membersOf(db: Db, householdId: number): Promise<MemberRow[]> {
  return db.select().from(householdMembers).where(eq(householdMembers.householdId, householdId)).orderBy(asc(householdMembers.id)).all();
}

export interface CategoryChange {
  householdId: number;
  category: HouseholdCategory;
  validFrom: string;
  reason: string;
  changedBy: number;
  createdAt: number;
}

/** Appends a category change to the history (never overwritten) and returns it. */
export async function insertCategoryChange(tx: Tx, c: CategoryChange): Promise<{ category: HouseholdCategory; validFrom: string; reason: string | null }> {
  return tx
    .insert(householdCategoryHistory)
    .values(c)
    .returning({ category: householdCategoryHistory.category, validFrom: householdCategoryHistory.validFrom, reason: householdCategoryHistory.reason })
    .get();
}

export async function categoryHistoryOf(db: Db, householdId: number): Promise<{ category: HouseholdCategory; validFrom: string; reason: string | null; createdAt: number }[]> {
  return db
    .select({ category: householdCategoryHistory.category, validFrom: householdCategoryHistory.validFrom, reason: householdCategoryHistory.reason, createdAt: householdCategoryHistory.createdAt })
    .from(householdCategoryHistory)
    .where(eq(householdCategoryHistory.householdId, householdId))
    .orderBy(desc(householdCategoryHistory.id))
    .all();
}

/** Points of the household's awards still in review (`pending`) and in public notice (`notice`). */
export async function undecidedAwardPoints(db: Db, householdId: number): Promise<{ pending: number; notice: number }> {
  const rows = db
    .select({ status: awards.status, points: sql<number>`COALESCE(SUM(${awards.points}), 0)` })
    .from(awards)
    .where(and(eq(awards.householdId, householdId), inArray(awards.status, ['pending', 'notice'])))
    .groupBy(awards.status)
    .all();
  return { pending: rows.find((r) => r.status === 'pending')?.points ?? 0, notice: rows.find((r) => r.status === 'notice')?.points ?? 0 };
}

/** The household's conduct score in one period ("2026", "2026-06"); zeros when it has none. */
export async function periodScoreOf(db: Db, householdId: number, period: string): Promise<{ score: number; earned: number; deducted: number }> {
  const row = db
    .select({ score: householdPeriodScores.score, earned: householdPeriodScores.earned, deducted: householdPeriodScores.deducted })
    .from(householdPeriodScores)
    .where(and(eq(householdPeriodScores.householdId, householdId), eq(householdPeriodScores.period, period)))
    .get();
  return row ?? { score: 0, earned: 0, deducted: 0 };
}

/** The household's cards that are not revoked. */
export async function activeCardsOf(db: Db, householdId: number): Promise<{ id: number; lockedAt: number | null; createdAt: number }[]> {
  return db
    .select({ id: householdCards.id, lockedAt: householdCards.lockedAt, createdAt: householdCards.createdAt })
    .from(householdCards)
    .where(and(eq(householdCards.householdId, householdId), isNull(householdCards.revokedAt)))
    .all();
}

export interface HouseholdFilter {
  villageIds: readonly number[];
  /** Only this household (a household account sees only its own). */
  householdId?: number;
  groupId?: number;
  category?: HouseholdCategory;
  status?: HouseholdStatus;
  /** Matches the head's name or door number anywhere (LIKE wildcards already removed). */
  text?: string;
  /** Matches the start of the head's pinyin initials. */
  initials?: string;
  limit: number;
  offset: number;
}

/** Households of the given villages, by village, group and door number, and how many match in all. */
export async function listHouseholdsPage(db: Db, f: HouseholdFilter): Promise<{ items: HouseholdRow[]; total: number }> {
  if (!f.villageIds.length) return { items: [], total: 0 };
  const conditions: (SQL | undefined)[] = [inArray(households.villageId, [...f.villageIds])];
  if (f.householdId !== undefined) conditions.push(eq(households.id, f.householdId));
  if (f.groupId !== undefined) conditions.push(eq(households.groupId, f.groupId));
  if (f.category !== undefined) conditions.push(eq(households.category, f.category));
  if (f.status !== undefined) conditions.push(eq(households.status, f.status));
  if (f.text !== undefined) {
    conditions.push(
      or(like(households.headName, `%${f.text}%`), like(households.doorNo, `%${f.text}%`), f.initials !== undefined ? like(households.nameInitials, `${f.initials}%`) : undefined),
    );
  }
  const where = and(...conditions);
  const items = db
    .select()
    .from(households)
    .where(where)
    // Shorter door numbers first puts 一组2号 before 一组10号 without engine-specific natural sorting.
    .orderBy(asc(households.villageId), asc(households.groupId), asc(sql`length(${households.doorNo})`), asc(households.doorNo), asc(households.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(households).where(where).get()?.n ?? 0;
  return { items, total };
}
