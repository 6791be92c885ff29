import { and, asc, eq, inArray, isNull, max, or } from 'drizzle-orm';
import type { Db } from '../client';
import { ruleHeadings } from '../schema';
import type { Tx } from '../transaction';

export type HeadingRow = typeof ruleHeadings.$inferSelect;
export type NewHeading = Pick<HeadingRow, 'areaId' | 'name' | 'sortOrder' | 'starDimension' | 'blackList'>;
export type HeadingPatch = Partial<Pick<HeadingRow, 'name' | 'sortOrder' | 'starDimension' | 'blackList' | 'active'>>;

/**
 * The headings in force in an area: the county template (no area) and those of the given areas (the
 * area's ancestry), in display order. Inactive ones only when asked: old rules and ledger rows still
 * name them.
 */
export async function headingsOfAreas(db: Db, areaIds: readonly number[], opts: { includeInactive: boolean } = { includeInactive: true }): Promise<HeadingRow[]> {
  const owners = areaIds.length ? or(isNull(ruleHeadings.areaId), inArray(ruleHeadings.areaId, [...areaIds])) : isNull(ruleHeadings.areaId);
  return db
    .select()
    .from(ruleHeadings)
    .where(and(owners, opts.includeInactive ? undefined : eq(ruleHeadings.active, true)))
    .orderBy(asc(ruleHeadings.sortOrder), asc(ruleHeadings.id))
    .all();
}

export async function headingById(db: Db, id: number): Promise<HeadingRow | undefined> {
  return db.select().from(ruleHeadings).where(eq(ruleHeadings.id, id)).get();
}

/** Every heading by code, for labelling rows of many areas at once (exports, the ledger). */
export async function headingsByCode(db: Db, codes: readonly string[]): Promise<Map<string, HeadingRow>> {
  const unique = [...new Set(codes)];
  if (!unique.length) return new Map();
  const rows = db.select().from(ruleHeadings).where(inArray(ruleHeadings.code, unique)).all();
  return new Map(rows.map((r) => [r.code, r]));
}

/** A new heading of an area; its code (`h<id>`) is what rules and ledger rows will store. */
export async function addHeading(tx: Tx, values: NewHeading, at: number): Promise<HeadingRow> {
  return insertHeading(tx, values, at);
}

/** Synchronous twin of `addHeading` for seeds and fixtures; inside the caller's transaction. */
export function insertHeading(tx: Db, values: NewHeading, at: number): HeadingRow {
  // Writers are serialised, so the next id is known; the unique index on code is the backstop.
  const last = tx.select({ id: max(ruleHeadings.id) }).from(ruleHeadings).get()?.id ?? 0;
  return tx
    .insert(ruleHeadings)
    .values({ ...values, code: `h${last + 1}`, active: true, createdAt: at, updatedAt: at })
    .returning()
    .get();
}

export async function reviseHeading(tx: Tx, id: number, patch: HeadingPatch, at: number): Promise<HeadingRow> {
  return tx
    .update(ruleHeadings)
    .set({ ...patch, updatedAt: at })
    .where(eq(ruleHeadings.id, id))
    .returning()
    .get();
}
