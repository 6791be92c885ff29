import { and, asc, eq, inArray, like } from 'drizzle-orm';
import type { Db } from '../client';
import { areas } from '../schema';

export type BoardAreaRow = typeof areas.$inferSelect;

export async function areaRow(db: Db, id: number): Promise<BoardAreaRow | undefined> {
  return db.select().from(areas).where(eq(areas.id, id)).get();
}

/** Names of areas by id (for the "county township village" trail of a poster). */
export async function areaNames(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  return new Map(db.select({ id: areas.id, name: areas.name }).from(areas).where(inArray(areas.id, [...ids])).all().map((a) => [a.id, a.name]));
}

/** Villages at or below a materialised path, by id. */
export async function villagesUnder(db: Db, path: string): Promise<Array<{ id: number; name: string }>> {
  return db
    .select({ id: areas.id, name: areas.name })
    .from(areas)
    .where(and(eq(areas.kind, 'village'), like(areas.path, `${path}%`)))
    .orderBy(asc(areas.id))
    .all();
}

/** Counties, townships and villages (never groups), parents first. */
export async function publicAreaList(db: Db): Promise<Array<{ id: number; name: string; kind: BoardAreaRow['kind']; parentId: number | null }>> {
  return db
    .select({ id: areas.id, name: areas.name, kind: areas.kind, parentId: areas.parentId })
    .from(areas)
    .where(inArray(areas.kind, ['county', 'township', 'village']))
    .orderBy(asc(areas.parentId), asc(areas.id))
    .all();
}
