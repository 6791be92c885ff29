import { readDb } from '../../../db/client';
import { latestLedgerEntry, listVillageChainHeads } from '../../../db/ledger';
import type { PublicCtx } from '../../lib/context';

export interface ChainHeads {
  /** The newest entry of the whole ledger and its hash (what boards and prints pin). */
  lastEntryId: number;
  hash: string;
  /** Each village's chain head: anyone can note it and later check a copy of the database against it. */
  villages: { id: number; name: string; lastSeq: number; hash: string }[];
}

/** The ledger's chain heads, one per village, read from the last commit. */
export async function getChainHead(ctx: PublicCtx): Promise<ChainHeads> {
  const db = readDb(ctx.db);
  const [head, chains] = await Promise.all([latestLedgerEntry(db), listVillageChainHeads(db)]);
  return {
    lastEntryId: head.lastEntryId,
    hash: head.hash,
    villages: chains.map((c) => ({ id: c.villageId, name: c.villageName, lastSeq: c.lastSeq, hash: c.hash })),
  };
}
