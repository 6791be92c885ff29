import type { Db } from '../client';
import { sqlOf } from '../sql';
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
  const q = sqlOf(db);
  // Chunks well under SQLite's 32,766 bound parameters (a county has hundreds of villages, not thousands).
  for (let i = 0; i < villageIds.length; i += 500) {
    const part = villageIds.slice(i, i + 500);
    const rows = await q.all<{ villageId: number; treeSize: number; frontier: string }>(
      `SELECT village_id AS "villageId", tree_size AS "treeSize", frontier FROM merkle_frontiers WHERE village_id IN (${part.map(() => '?').join(', ')})`,
      part,
    );
    for (const r of rows) out.set(r.villageId, { villageId: r.villageId, treeSize: r.treeSize, nodes: JSON.parse(r.frontier) as string[] });
  }
  return out;
}

/** Stores (or replaces) a village's frontier. */
export async function saveFrontier(tx: Tx, f: StoredFrontier): Promise<void> {
  await sqlOf(tx).run(
    `INSERT INTO merkle_frontiers (village_id, tree_size, frontier) VALUES (?, ?, ?)
     ON CONFLICT (village_id) DO UPDATE SET tree_size = excluded.tree_size, frontier = excluded.frontier`,
    [f.villageId, f.treeSize, JSON.stringify(f.nodes)],
  );
}
