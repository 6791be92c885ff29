import type { Db } from '../client';
import { GENESIS_HASH, pseudonymMemo, pseudonymYear } from '../ledger';
import type { LedgerKind } from '../schema/ledger';
import { sqlOf } from '../sql';

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
 * `pseudonym` is the household's of the entry's year; `ruleId` is null where the rule is not public
 * (a deduction under a rule that is not a black-list rule, and its reversal).
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

/**
 * A row as the queries read it: the household's secret seed and the rule's visibility (0/1 on SQLite,
 * a boolean on PostgreSQL), never served as such.
 */
export type PublicLedgerRow = Omit<PublicLedgerEntry, 'pseudonym'> & { seed: string | null; rulePublic: number | boolean };

/**
 * The columns of `PublicLedgerRow` over `ledger_entries e`, `households h` (the entry's household) and
 * `ledger_entries r` (the reversed entry, LEFT JOINed). Shared with the household's proofs, which must
 * show its entries exactly as this ledger does.
 */
export const PUBLIC_ENTRY_COLUMNS = `e.seq AS seq, e.hash_version AS "hashVersion", e.kind AS kind, e.points AS points, e.conduct_points AS "conductPoints",
  e.category AS category, e.rule_id AS "ruleId", e.rule_public AS "rulePublic", e.occurred_on AS "occurredOn",
  CASE WHEN r.chain_id = e.chain_id THEN r.seq END AS "reversesSeq", h.pseudonym_seed AS seed,
  e.private_digest AS "privateDigest", e.prev_hash AS "prevHash", e.hash AS hash`;

/**
 * Rows as the public sees them: the pseudonym of the entry's year in place of the seed, the rule only
 * where it is public. Built field by field so nothing else a row might carry leaves.
 */
export function toPublicEntries(rows: readonly PublicLedgerRow[]): PublicLedgerEntry[] {
  const pseudonymOf = pseudonymMemo();
  return rows.map((r) => {
    // Every household has a seed (migration 0013): a missing one is a database not migrated.
    if (!r.seed) throw new Error(`an entry of village chain seq ${r.seq} belongs to a household without a pseudonym seed: run the migrations`);
    return {
      seq: r.seq,
      hashVersion: r.hashVersion,
      kind: r.kind,
      points: r.points,
      conductPoints: r.conductPoints,
      category: r.category,
      ruleId: r.rulePublic ? r.ruleId : null,
      occurredOn: r.occurredOn,
      reversesSeq: r.reversesSeq,
      pseudonym: pseudonymOf(r.seed, pseudonymYear(r.occurredOn)),
      privateDigest: r.privateDigest,
      prevHash: r.prevHash,
      hash: r.hash,
    };
  });
}

/** The village's public chain, or null when `villageId` is not a village. A village with no entries yet has tree size 0. */
export async function publicVillageChain(db: Db, villageId: number): Promise<PublicVillageChain | null> {
  const row = await sqlOf(db).get<{ villageId: number; villageName: string; treeSize: number | null; genesisHash: string | null; anyGenesis: string | null }>(
    `SELECT a.id AS "villageId", a.name AS "villageName", c.last_seq AS "treeSize", c.genesis_hash AS "genesisHash",
            (SELECT genesis_hash FROM ledger_chains ORDER BY village_id LIMIT 1) AS "anyGenesis"
       FROM areas a LEFT JOIN ledger_chains c ON c.village_id = a.id
      WHERE a.id = ? AND a.kind = 'village'`,
    [villageId],
  );
  if (!row) return null;
  // A chain not started yet will start from the same genesis as every other (see takeVillageChain).
  return { villageId: row.villageId, villageName: row.villageName, treeSize: row.treeSize ?? 0, genesisHash: row.genesisHash ?? row.anyGenesis ?? GENESIS_HASH };
}

/**
 * Entries `from`…`to` (seq, inclusive) of the village's chain in seq order. Household ids, names,
 * notes, authors, balances, award or redemption ids and pseudonym seeds never leave this function.
 */
export async function publicLedgerEntries(db: Db, villageId: number, from: number, to: number): Promise<PublicLedgerEntry[]> {
  const rows = await sqlOf(db).all<PublicLedgerRow>(
    `SELECT ${PUBLIC_ENTRY_COLUMNS}
       FROM ledger_entries e
       JOIN households h ON h.id = e.household_id
       LEFT JOIN ledger_entries r ON r.id = e.reverses_id
      WHERE e.chain_id = ? AND e.seq BETWEEN ? AND ?
      ORDER BY e.seq`,
    [villageId, from, to],
  );
  return toPublicEntries(rows);
}
