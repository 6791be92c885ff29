import { eq } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { areas } from './schema';

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
