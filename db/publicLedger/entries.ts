import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { GENESIS_HASH } from '../ledger';
import type { LedgerKind } from '../schema/ledger';

/** A village chain as the public sees it: its name, how many entries it has and what entry 1 links to. */
export interface PublicVillageChain {
  villageId: number;
  villageName: string;
  /** The last seq, which is the number of entries and the size of the village's Merkle tree. */
  treeSize: number;
  genesisHash: string;
}

/**
 * One entry of a village chain without anything that names a person: the public fields a version 3
 * hash commits to, the private digest (null on versions 1 and 2, which have none), and the links.
 */
export interface PublicLedgerEntry {
  seq: number;
  hashVersion: number;
  kind: LedgerKind;
  points: number;
  conductPoints: number;
  category: string | null;
  ruleId: number | null;
  occurredOn: string;
  reversesSeq: number | null;
  pseudonym: string;
  privateDigest: string | null;
  prevHash: string;
  hash: string;
}

interface Statements {
  chain: Database.Statement<[number], { villageId: number; villageName: string; treeSize: number | null; genesisHash: string | null; anyGenesis: string | null }>;
  entries: Database.Statement<[number, number, number], PublicLedgerEntry>;
}

const cache = new WeakMap<Database.Database, Statements>();

function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    s = {
      chain: client.prepare(
        `SELECT a.id AS villageId, a.name AS villageName, c.last_seq AS treeSize, c.genesis_hash AS genesisHash,
              (SELECT genesis_hash FROM ledger_chains LIMIT 1) AS anyGenesis
         FROM areas a LEFT JOIN ledger_chains c ON c.village_id = a.id
        WHERE a.id = ? AND a.kind = 'village'`,
      ),
      entries: client.prepare(
        `SELECT e.seq, e.hash_version AS hashVersion, e.kind, e.points, e.conduct_points AS conductPoints, e.category, e.rule_id AS ruleId,
                e.occurred_on AS occurredOn, CASE WHEN r.chain_id = e.chain_id THEN r.seq END AS reversesSeq, h.pseudonym,
                e.private_digest AS privateDigest, e.prev_hash AS prevHash, e.hash
           FROM ledger_entries e
           JOIN households h ON h.id = e.household_id
           LEFT JOIN ledger_entries r ON r.id = e.reverses_id
          WHERE e.chain_id = ? AND e.seq BETWEEN ? AND ?
          ORDER BY e.seq`,
      ),
    };
    cache.set(client, s);
  }
  return s;
}

/** The village's public chain, or null when `villageId` is not a village. A village with no entries yet has tree size 0. */
export async function publicVillageChain(db: Db, villageId: number): Promise<PublicVillageChain | null> {
  const row = statements(db.$client).chain.get(villageId);
  if (!row) return null;
  // A chain not started yet will start from the same genesis as every other (see takeVillageChain).
  return { villageId: row.villageId, villageName: row.villageName, treeSize: row.treeSize ?? 0, genesisHash: row.genesisHash ?? row.anyGenesis ?? GENESIS_HASH };
}

/**
 * Entries `from`…`to` (seq, inclusive) of the village's chain in seq order. Household ids, names,
 * notes, authors, balances and award or redemption ids never leave this query.
 */
export async function publicLedgerEntries(db: Db, villageId: number, from: number, to: number): Promise<PublicLedgerEntry[]> {
  return statements(db.$client).entries.all(villageId, from, to);
}
