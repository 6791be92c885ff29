import { and, asc, eq, getTableColumns, inArray, like } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, households } from '../schema';
import type { Tx } from '../transaction';

export type AreaRow = typeof areas.$inferSelect;
export type AreaKind = AreaRow['kind'];
export type MaskMode = NonNullable<AreaRow['maskMode']>;
export type ExpiryMode = NonNullable<AreaRow['expiryMode']>;
export type NewArea = Omit<typeof areas.$inferInsert, 'id' | 'path' | 'createdAt'> & { createdAt?: number };

/**
 * Inserts an area and sets its materialised path ("/county/township/village/"). Synchronous, for seeds,
 * tests and the bench; ported code calls `addArea`.
 */
export function insertArea(tx: Db, values: NewArea & { createdAt: number }): AreaRow {
  let parentPath = '/';
  if (values.parentId != null) {
    const parent = tx.select({ path: areas.path }).from(areas).where(eq(areas.id, values.parentId)).get();
    if (!parent) throw new Error(`unknown parent area ${values.parentId}`);
    parentPath = parent.path;
  }
  const row = tx.insert(areas).values({ ...values, path: parentPath }).returning().get();
  const path = `${parentPath}${row.id}/`;
  tx.update(areas).set({ path }).where(eq(areas.id, row.id)).run();
  return { ...row, path };
}

/** Store function: inserts an area with its materialised path inside `tx` (see `insertArea`). */
export async function addArea(tx: Tx, values: NewArea & { createdAt: number }): Promise<AreaRow> {
  return insertArea(tx, values);
}

export async function areaById(db: Db, id: number): Promise<AreaRow | undefined> {
  return db.select().from(areas).where(eq(areas.id, id)).get();
}

/** Areas by id; ids that do not exist are simply absent. */
export async function areasByIds(db: Db, ids: readonly number[]): Promise<AreaRow[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(areas)
    .where(inArray(areas.id, [...ids]))
    .all();
}

export interface AreaListItem {
  id: number;
  name: string;
  kind: AreaKind;
  parentId: number | null;
  path: string;
}

/** The area at a materialised path and everything below it, in path order. */
export async function areasUnder(db: Db, path: string): Promise<AreaListItem[]> {
  return db
    .select({ id: areas.id, name: areas.name, kind: areas.kind, parentId: areas.parentId, path: areas.path })
    .from(areas)
    .where(like(areas.path, `${path}%`))
    .orderBy(asc(areas.path))
    .all();
}

/** Village and township areas (the places a store can be), with their paths. */
export async function storeAreas(db: Db): Promise<{ id: number; path: string }[]> {
  return db
    .select({ id: areas.id, path: areas.path })
    .from(areas)
    .where(inArray(areas.kind, ['village', 'township']))
    .all();
}

/** An area's own settings; null means "inherit from the parent". */
export interface AreaOwnSettings {
  noticeDays?: number | null;
  maskMode?: MaskMode | null;
  expiryMode?: ExpiryMode | null;
  expiryMonths?: number | null;
  /** JSON array of five thresholds. */
  starThresholds?: string | null;
  pointValueFen?: number | null;
}

/** Writes the given settings of one area (the others stay as they are). */
export async function setAreaSettings(tx: Tx, areaId: number, patch: AreaOwnSettings): Promise<void> {
  if (!Object.keys(patch).length) return;
  tx.update(areas).set(patch).where(eq(areas.id, areaId)).run();
}

// The pseudonym seed is secret (db/ledger/pseudonym.ts): scope checks hand the row on, so it never carries it.
const { pseudonymSeed: _secret, ...householdColumns } = getTableColumns(households);

/** A household with its village's materialised path, the input of every household scope check. */
export async function householdWithVillagePath(
  db: Db,
  id: number,
): Promise<(Omit<typeof households.$inferSelect, 'pseudonymSeed'> & { villagePath: string }) | undefined> {
  const row = db
    .select({ household: householdColumns, villagePath: areas.path })
    .from(households)
    .innerJoin(areas, eq(areas.id, households.villageId))
    .where(eq(households.id, id))
    .get();
  return row && { ...row.household, villagePath: row.villagePath };
}

/** Ids of the villages at or below a materialised path. */
export async function villageIdsUnder(db: Db, path: string): Promise<number[]> {
  return db
    .select({ id: areas.id })
    .from(areas)
    .where(and(eq(areas.kind, 'village'), like(areas.path, `${path}%`)))
    .all()
    .map((r) => r.id);
}

/** The groups (村民小组) of a village, by name. */
export async function groupsOfVillageByName(db: Db, villageId: number): Promise<{ id: number; name: string }[]> {
  return db
    .select({ id: areas.id, name: areas.name })
    .from(areas)
    .where(and(eq(areas.parentId, villageId), eq(areas.kind, 'group')))
    .orderBy(asc(areas.id))
    .all();
}

/** Renames an area; its place (path) never changes. */
export async function renameArea(tx: Tx, id: number, name: string): Promise<void> {
  tx.update(areas).set({ name }).where(eq(areas.id, id)).run();
}
