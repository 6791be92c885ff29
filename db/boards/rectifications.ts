import { and, count, desc, eq, inArray, like } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, awards, households, ledgerEntries, rectifications, ruleVersions, rules } from '../schema';
import type { LedgerKind } from '../schema/ledger';
import type { ReviewStatus } from '../schema/boards';
import type { Tx } from '../transaction';

export type RectificationRow = typeof rectifications.$inferSelect;

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
  const row = db
    .select({
      id: ledgerEntries.id,
      householdId: ledgerEntries.householdId,
      villageId: ledgerEntries.villageId,
      kind: ledgerEntries.kind,
      villagePath: areas.path,
      versionBlack: ruleVersions.blackList,
      ruleBlack: rules.blackList,
    })
    .from(ledgerEntries)
    .innerJoin(areas, eq(areas.id, ledgerEntries.villageId))
    .leftJoin(awards, eq(awards.id, ledgerEntries.awardId))
    .leftJoin(ruleVersions, eq(ruleVersions.id, awards.ruleVersionId))
    .leftJoin(rules, eq(rules.id, ledgerEntries.ruleId))
    .where(eq(ledgerEntries.id, entryId))
    .get();
  if (!row) return undefined;
  const { versionBlack, ruleBlack, ...entry } = row;
  return { ...entry, blackListed: (versionBlack ?? ruleBlack) === true };
}

/** True when a reversal undoes the entry. */
export async function isEntryReversed(db: Db, entryId: number): Promise<boolean> {
  return db.select({ id: ledgerEntries.id }).from(ledgerEntries).where(eq(ledgerEntries.reversesId, entryId)).limit(1).get() != null;
}

/** A pending or approved rectification of the entry, if any. */
export async function openRectification(db: Db, entryId: number): Promise<{ id: number; status: ReviewStatus } | undefined> {
  return db
    .select({ id: rectifications.id, status: rectifications.status })
    .from(rectifications)
    .where(and(eq(rectifications.ledgerEntryId, entryId), inArray(rectifications.status, ['pending', 'approved'])))
    .limit(1)
    .get();
}

export async function insertRectification(tx: Tx, values: Omit<typeof rectifications.$inferInsert, 'id' | 'status'>): Promise<RectificationRow> {
  return tx.insert(rectifications).values(values).returning().get();
}

/** A rectification with its village's materialised path (the input of the scope check). */
export async function rectificationWithPath(db: Db, id: number): Promise<{ rectification: RectificationRow; path: string } | undefined> {
  const row = db.select({ r: rectifications, path: areas.path }).from(rectifications).innerJoin(areas, eq(areas.id, rectifications.villageId)).where(eq(rectifications.id, id)).get();
  return row && { rectification: row.r, path: row.path };
}

/** Decides a pending rectification; false when it is no longer pending. */
export async function decidePendingRectification(
  tx: Tx,
  id: number,
  d: { status: Exclude<ReviewStatus, 'pending'>; reviewedBy: number; reviewedAt: number; rejectReason: string | null },
): Promise<boolean> {
  return tx.update(rectifications).set(d).where(and(eq(rectifications.id, id), eq(rectifications.status, 'pending'))).run().changes === 1;
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
  const where = and(
    like(areas.path, `${f.path}%`),
    f.status ? eq(rectifications.status, f.status) : undefined,
    f.villageId ? eq(rectifications.villageId, f.villageId) : undefined,
  );
  const rows = db
    .select({
      rectification: rectifications,
      village: areas.name,
      headName: households.headName,
      conduct: rules.name,
      occurredOn: ledgerEntries.occurredOn,
      conductPoints: ledgerEntries.conductPoints,
    })
    .from(rectifications)
    .innerJoin(areas, eq(areas.id, rectifications.villageId))
    .innerJoin(households, eq(households.id, rectifications.householdId))
    .innerJoin(ledgerEntries, eq(ledgerEntries.id, rectifications.ledgerEntryId))
    .leftJoin(rules, eq(rules.id, ledgerEntries.ruleId))
    .where(where)
    .orderBy(desc(rectifications.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(rectifications).innerJoin(areas, eq(areas.id, rectifications.villageId)).where(where).get()?.n ?? 0;
  return { rows, total };
}
