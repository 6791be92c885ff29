import { readDb } from '../../../db/client';
import { countyVillageChains, villageEntryHashes } from '../../../db/proofs/chains';
import { frontiersOf, saveFrontier, type StoredFrontier } from '../../../db/proofs/frontiers';
import { transaction } from '../../../db/transaction';
import { frontierAppendPacked, packEntryHashes, type Frontier } from '../../lib/merkle';
import type { CheckpointCtx } from './writeCheckpoint';
import { usableFrontier } from './writeCheckpoint';

/** Entries read and hashed between two pauses at most (~10 ms on a quiet core), so requests keep being served. */
export const CATCH_UP_SLICE = 4096;
/** Read in steps this small, and pause early once a slice has taken this long (a loaded machine stretches it). */
const STEP = 1024;
const SLICE_MS = 10;
/** Grown frontiers are saved together, one short transaction (one commit) per this many villages at most. */
const SAVE_BATCH = 200;
/** Passes end when one added fewer entries than this: what is left is for the checkpoint's own transaction. */
const SETTLED = 256;
const MAX_PASSES = 4;

const pause = () => new Promise((resolve) => setImmediate(resolve));

async function save(ctx: CheckpointCtx, grown: StoredFrontier[]): Promise<void> {
  if (grown.length === 0) return;
  await transaction(ctx.db, async (tx) => {
    // Someone else (another checkpoint) may have gone further meanwhile: keep the longer one.
    const now = await frontiersOf(tx, grown.map((f) => f.villageId));
    for (const f of grown) {
      const theirs = now.get(f.villageId);
      if (!theirs || theirs.treeSize < f.treeSize) await saveFrontier(tx, f);
    }
  });
  grown.length = 0;
}

/**
 * Brings the stored frontiers of a county's villages up to the committed chains before a checkpoint's
 * transaction, village by village and slice by slice with a pause between, so the first checkpoint of a
 * large county (every entry hashed once: a leaf hash and, amortised, one merge each) neither holds the
 * write lock nor the event loop for long. Reads run outside any transaction (WAL: postings go on). The
 * grown frontiers are saved in short transactions, a slice's worth of work or a batch of villages at a
 * time (a day's postings touch every village: one commit each would cost more than the hashing). What
 * it saves is only ever a longer prefix of an append-only chain; the checkpoint then hashes what came
 * since, inside its transaction. A long first pass lets postings pile up in every village, so it goes
 * round again until a pass finds little new: the transaction then holds the write lock for moments.
 */
export async function catchUpFrontiers(ctx: CheckpointCtx, countyPath: string): Promise<void> {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    if ((await catchUpOnce(ctx, countyPath)) < SETTLED) return;
  }
}

/** One pass over the county's villages; returns how many entries it added to the frontiers. */
async function catchUpOnce(ctx: CheckpointCtx, countyPath: string): Promise<number> {
  const db = readDb(ctx.db);
  const villages = await countyVillageChains(db, countyPath);
  const stored = await frontiersOf(db, villages.map((v) => v.villageId));
  const grown: StoredFrontier[] = [];
  let work = 0;
  let sliceStart = performance.now();
  let added = 0;
  for (const v of villages) {
    const start = usableFrontier(stored.get(v.villageId), v.lastSeq);
    let next: Frontier = start;
    while (next.size < v.lastSeq) {
      const to = Math.min(v.lastSeq, next.size + Math.min(STEP, CATCH_UP_SLICE - work));
      const hashes = await villageEntryHashes(db, v.villageId, next.size + 1, to);
      if (hashes.length > 0) next = frontierAppendPacked(next, packEntryHashes(hashes));
      work += hashes.length;
      // A missing seq: the tree ends before it, as the checkpoint will say.
      if (next.size < to) break;
      if (work >= CATCH_UP_SLICE || performance.now() - sliceStart >= SLICE_MS) {
        work = 0;
        await pause();
        sliceStart = performance.now();
      }
    }
    added += next.size - start.size;
    if (next.size > start.size) grown.push({ villageId: v.villageId, treeSize: next.size, nodes: next.nodes });
    if (grown.length > 0 && (work === 0 || grown.length >= SAVE_BATCH)) {
      await save(ctx, grown);
      await pause();
      work = 0;
      sliceStart = performance.now();
    }
  }
  await save(ctx, grown);
  return added;
}
