import type { Db } from '../client';
import { sqlOf } from '../sql';

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
  return sqlOf(db).all<ChainPart>(
    `SELECT c.village_id AS "villageId", c.last_seq AS "lastSeq", c.head_hash AS "headHash"
       FROM ledger_chains c JOIN areas a ON a.id = c.village_id
      WHERE a.path LIKE ? AND c.last_seq > 0
      ORDER BY c.village_id ASC`,
    [`${path}%`],
  );
}

/** The hash of entry `seq` of a village's chain, if that entry exists. */
export async function chainEntryHash(db: Db, villageId: number, seq: number): Promise<string | undefined> {
  return (await sqlOf(db).get<{ hash: string }>('SELECT hash FROM ledger_entries WHERE chain_id = ? AND seq = ?', [villageId, seq]))?.hash;
}

/** The hash of a ledger entry by its global id (boards published before per-village chains name one). */
export async function ledgerEntryHashById(db: Db, id: number): Promise<string | undefined> {
  return (await sqlOf(db).get<{ hash: string }>('SELECT hash FROM ledger_entries WHERE id = ?', [id]))?.hash;
}
