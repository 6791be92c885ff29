import type Database from 'better-sqlite3';
import type { Db } from '../client';

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

interface Statements {
  hashes: Database.Statement<[number, number, number], [number, string]>;
  hashColumn: Database.Statement<[number, number, number], string>;
}

const statements = new WeakMap<Database.Database, Statements>();

function prepared(db: Db): Statements {
  let s = statements.get(db.$client);
  if (!s) {
    s = {
      // Raw rows, no objects: a proof reads every hash of a village (10⁴–10⁵ rows).
      hashes: db.$client.prepare<[number, number, number], [number, string]>('SELECT seq, hash FROM ledger_entries WHERE chain_id = ? AND seq BETWEEN ? AND ? ORDER BY seq').raw(),
      // The hash column alone, walked on the (chain_id, seq) unique index: one string per row, no row arrays.
      hashColumn: db.$client.prepare<[number, number, number], string>('SELECT hash FROM ledger_entries WHERE chain_id = ? AND seq BETWEEN ? AND ? ORDER BY seq').pluck(),
    };
    statements.set(db.$client, s);
  }
  return s;
}

/**
 * The entry hashes of a village chain from `fromSeq` to `toSeq` (inclusive) in seq order, stopping
 * before the first missing seq: a Merkle leaf's index is its seq − 1, so a gap ends the tree there.
 */
export async function villageEntryHashes(db: Db, villageId: number, fromSeq: number, toSeq: number): Promise<string[]> {
  if (toSeq < fromSeq) return [];
  const s = prepared(db);
  // (chain_id, seq) is unique, so as many rows as seqs in the range means none is missing.
  const all = s.hashColumn.all(villageId, fromSeq, toSeq);
  if (all.length === toSeq - fromSeq + 1) return all;
  const out: string[] = [];
  let expected = fromSeq;
  for (const [seq, hash] of s.hashes.iterate(villageId, fromSeq, toSeq)) {
    if (seq !== expected) break;
    out.push(hash);
    expected++;
  }
  return out;
}

/** Every village area under a county's path, ascending id, with its chain length. */
export async function countyVillageChains(db: Db, countyPath: string): Promise<CountyVillageChain[]> {
  return db.$client
    .prepare<[string], CountyVillageChain>(
      `SELECT a.id AS villageId, a.name AS villageName, COALESCE(c.last_seq, 0) AS lastSeq
       FROM areas a LEFT JOIN ledger_chains c ON c.village_id = a.id
       WHERE a.kind = 'village' AND a.path LIKE ? || '%' ORDER BY a.id`,
    )
    .all(countyPath);
}

/** A village area and its chain length; undefined when the id is not a village. */
export async function villageChainInfo(db: Db, villageId: number): Promise<VillageChainInfo | undefined> {
  return db.$client
    .prepare<[number], VillageChainInfo>(
      `SELECT a.id AS villageId, a.name AS villageName, a.path AS path, COALESCE(c.last_seq, 0) AS lastSeq
       FROM areas a LEFT JOIN ledger_chains c ON c.village_id = a.id
       WHERE a.id = ? AND a.kind = 'village'`,
    )
    .get(villageId);
}

/** The hash of entry `seq` of a village chain, if it exists. */
export async function villageEntryHash(db: Db, villageId: number, seq: number): Promise<string | undefined> {
  return db.$client.prepare<[number, number], string>('SELECT hash FROM ledger_entries WHERE chain_id = ? AND seq = ?').pluck().get(villageId, seq);
}
