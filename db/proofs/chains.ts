import type { Db } from '../client';
import { sqlOf } from '../sql';

/** A village of a county with the length of its hash chain (0 before its first entry). */
export interface CountyVillageChain {
  villageId: number;
  villageName: string;
  lastSeq: number;
}

/** A village with its chain length, if the area is a village. */
export interface VillageChainInfo {
  villageId: number;
  villageName: string;
  path: string;
  lastSeq: number;
}

/**
 * The entry hashes of a village chain from `fromSeq` to `toSeq` (inclusive) in seq order, stopping
 * before the first missing seq: a Merkle leaf's index is its seq − 1, so a gap ends the tree there.
 */
export async function villageEntryHashes(db: Db, villageId: number, fromSeq: number, toSeq: number): Promise<string[]> {
  if (toSeq < fromSeq) return [];
  const q = sqlOf(db);
  // The hash column alone, walked on the (chain_id, seq) unique index: a proof reads every hash of a village (10⁴–10⁵ rows).
  const rows = await q.all<{ hash: string }>('SELECT hash FROM ledger_entries WHERE chain_id = ? AND seq BETWEEN ? AND ? ORDER BY seq', [villageId, fromSeq, toSeq]);
  const all = rows.map((r) => r.hash);
  // (chain_id, seq) is unique, so as many rows as seqs in the range means none is missing.
  if (all.length === toSeq - fromSeq + 1) return all;
  const out: string[] = [];
  let expected = fromSeq;
  for (const { seq, hash } of await q.all<{ seq: number; hash: string }>('SELECT seq, hash FROM ledger_entries WHERE chain_id = ? AND seq BETWEEN ? AND ? ORDER BY seq', [villageId, fromSeq, toSeq])) {
    if (seq !== expected) break;
    out.push(hash);
    expected++;
  }
  return out;
}

/** Every village area under a county's path, ascending id, with its chain length. */
export async function countyVillageChains(db: Db, countyPath: string): Promise<CountyVillageChain[]> {
  return sqlOf(db).all<CountyVillageChain>(
    `SELECT a.id AS "villageId", a.name AS "villageName", COALESCE(c.last_seq, 0) AS "lastSeq"
       FROM areas a LEFT JOIN ledger_chains c ON c.village_id = a.id
      WHERE a.kind = 'village' AND a.path LIKE ? ORDER BY a.id`,
    [`${countyPath}%`],
  );
}

/** A village area and its chain length; undefined when the id is not a village. */
export async function villageChainInfo(db: Db, villageId: number): Promise<VillageChainInfo | undefined> {
  return sqlOf(db).get<VillageChainInfo>(
    `SELECT a.id AS "villageId", a.name AS "villageName", a.path AS path, COALESCE(c.last_seq, 0) AS "lastSeq"
       FROM areas a LEFT JOIN ledger_chains c ON c.village_id = a.id
      WHERE a.id = ? AND a.kind = 'village'`,
    [villageId],
  );
}

/** The hash of entry `seq` of a village chain, if it exists. */
export async function villageEntryHash(db: Db, villageId: number, seq: number): Promise<string | undefined> {
  return (await sqlOf(db).get<{ hash: string }>('SELECT hash FROM ledger_entries WHERE chain_id = ? AND seq = ?', [villageId, seq]))?.hash;
}
