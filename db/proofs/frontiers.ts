import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { merkleFrontiers } from '../schema';
import type { Tx } from '../transaction';

/** A village tree's right edge as stored: its size and the subtree roots, largest first. */
export interface StoredFrontier {
  villageId: number;
  treeSize: number;
  nodes: string[];
}

/** The stored frontiers of the given villages (a village never checkpointed has none). */
export async function frontiersOf(db: Db, villageIds: readonly number[]): Promise<Map<number, StoredFrontier>> {
  const out = new Map<number, StoredFrontier>();
  if (villageIds.length === 0) return out;
  // Chunks well under SQLite's 32,766 bound parameters (a county has hundreds of villages, not thousands).
  for (let i = 0; i < villageIds.length; i += 500) {
    const rows = db.select().from(merkleFrontiers).where(inArray(merkleFrontiers.villageId, villageIds.slice(i, i + 500))).all();
    for (const r of rows) out.set(r.villageId, { villageId: r.villageId, treeSize: r.treeSize, nodes: JSON.parse(r.frontier) as string[] });
  }
  return out;
}

/** Stores (or replaces) a village's frontier. */
export async function saveFrontier(tx: Tx, f: StoredFrontier): Promise<void> {
  const frontier = JSON.stringify(f.nodes);
  tx.insert(merkleFrontiers)
    .values({ villageId: f.villageId, treeSize: f.treeSize, frontier })
    .onConflictDoUpdate({ target: merkleFrontiers.villageId, set: { treeSize: sql`excluded.tree_size`, frontier: sql`excluded.frontier` } })
    .run();
}
