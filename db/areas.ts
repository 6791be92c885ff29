import { and, eq, like } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { areas, households } from './schema';

export type AreaKind = (typeof areas.$inferSelect)['kind'];
export type NewArea = Omit<typeof areas.$inferInsert, 'id' | 'path' | 'createdAt'> & { createdAt?: number };

/** Inserts an area and sets its materialised path ("/county/township/village/"). */
export function insertArea(tx: Tx | Db, values: NewArea & { createdAt: number }): typeof areas.$inferSelect {
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

export type AreaRow = typeof areas.$inferSelect;

export async function areaById(db: Db, id: number): Promise<AreaRow | undefined> {
  return db.select().from(areas).where(eq(areas.id, id)).get();
}

/** A household with its village's materialised path, the input of every household scope check. */
export async function householdWithVillagePath(
  db: Db,
  id: number,
): Promise<(typeof households.$inferSelect & { villagePath: string }) | undefined> {
  const row = db
    .select({ household: households, villagePath: areas.path })
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
