import { readDb } from '../../../db/client';
import { countyVillageChains, villageEntryHashes } from '../../../db/proofs/chains';
import { frontiersOf, saveFrontier } from '../../../db/proofs/frontiers';
import { transaction } from '../../../db/transaction';
import { frontierAppend } from '../../lib/merkle';
import type { CheckpointCtx } from './writeCheckpoint';
import { usableFrontier } from './writeCheckpoint';

/**
 * Brings the stored frontiers of a county's villages up to the committed chains before a checkpoint's
 * transaction, one village at a time with a pause between, so the first checkpoint of a large county
 * (every entry hashed once) neither holds the write lock nor the event loop for long. What it saves is
 * only ever a longer prefix of an append-only chain; the checkpoint then hashes what came since.
 */
export async function catchUpFrontiers(ctx: CheckpointCtx, countyPath: string): Promise<void> {
  const db = readDb(ctx.db);
  const villages = await countyVillageChains(db, countyPath);
  const stored = await frontiersOf(db, villages.map((v) => v.villageId));
  for (const v of villages) {
    const had = stored.get(v.villageId);
    const start = usableFrontier(had, v.lastSeq);
    if (start.size >= v.lastSeq) continue;
    const next = frontierAppend(start, await villageEntryHashes(db, v.villageId, start.size + 1, v.lastSeq));
    if (next.size === start.size) continue;
    await transaction(ctx.db, async (tx) => {
      // Someone else (another checkpoint) may have gone further meanwhile: keep the longer one.
      const now = (await frontiersOf(tx, [v.villageId])).get(v.villageId);
      if (!now || now.treeSize < next.size) await saveFrontier(tx, { villageId: v.villageId, treeSize: next.size, nodes: next.nodes });
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
}
