import { and, eq, like, gt, asc } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, ledgerChains, ledgerEntries } from '../schema';

/** One village chain's head: its last sequence number and the hash of that entry. */
export interface ChainPart {
  villageId: number;
  lastSeq: number;
  headHash: string;
}

/**
 * The heads of the village chains at or below a materialised path that hold at least one entry, by
 * village id. A board computed for that area is pinned to these (see boards/chainHead.ts).
 */
export async function chainHeadsUnder(db: Db, path: string): Promise<ChainPart[]> {
  return db
    .select({ villageId: ledgerChains.villageId, lastSeq: ledgerChains.lastSeq, headHash: ledgerChains.headHash })
    .from(ledgerChains)
    .innerJoin(areas, eq(areas.id, ledgerChains.villageId))
    .where(and(like(areas.path, `${path}%`), gt(ledgerChains.lastSeq, 0)))
    .orderBy(asc(ledgerChains.villageId))
    .all();
}

/** The hash of entry `seq` of a village's chain, if that entry exists. */
export async function chainEntryHash(db: Db, villageId: number, seq: number): Promise<string | undefined> {
  return db
    .select({ hash: ledgerEntries.hash })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.chainId, villageId), eq(ledgerEntries.seq, seq)))
    .get()?.hash;
}

/** The hash of a ledger entry by its global id (boards published before per-village chains name one). */
export async function ledgerEntryHashById(db: Db, id: number): Promise<string | undefined> {
  return db.select({ hash: ledgerEntries.hash }).from(ledgerEntries).where(eq(ledgerEntries.id, id)).get()?.hash;
}
