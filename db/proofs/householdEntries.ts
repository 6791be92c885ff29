import type { Db } from '../client';
import type { LedgerKind } from '../schema/ledger';

// The kinds an entry may have, for the answer's schema (routes never import the tables).
export { ledgerKinds } from '../schema/ledger';

/** One of a household's entries as the public ledger shows it (no ids, names, notes or balances). */
export interface HouseholdPublicEntry {
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
 * A household's entries in one village chain, in seq order, with the columns and the reversal link
 * exactly as the public ledger serves them (db/publicLedger/entries.ts), so a household can match its
 * proofs against the public pages.
 */
export async function householdChainEntries(db: Db, householdId: number, villageId: number): Promise<HouseholdPublicEntry[]> {
  return db.$client
    .prepare<[number, number], HouseholdPublicEntry>(
      `SELECT e.seq, e.hash_version AS hashVersion, e.kind, e.points, e.conduct_points AS conductPoints, e.category, e.rule_id AS ruleId,
              e.occurred_on AS occurredOn, CASE WHEN r.chain_id = e.chain_id THEN r.seq END AS reversesSeq, h.pseudonym,
              e.private_digest AS privateDigest, e.prev_hash AS prevHash, e.hash
         FROM ledger_entries e
         JOIN households h ON h.id = e.household_id
         LEFT JOIN ledger_entries r ON r.id = e.reverses_id
        WHERE e.household_id = ? AND e.chain_id = ?
        ORDER BY e.seq`,
    )
    .all(householdId, villageId);
}
