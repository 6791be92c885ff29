import type { Db } from '../client';
import { PUBLIC_ENTRY_COLUMNS, toPublicEntries, type PublicLedgerEntry, type PublicLedgerRow } from '../publicLedger/entries';
import { sqlOf } from '../sql';

// The kinds an entry may have, for the answer's schema (routes never import the tables).
export { ledgerKinds } from '../schema/ledger';

/** One of a household's entries as the public ledger shows it (no ids, names, notes or balances). */
export type HouseholdPublicEntry = PublicLedgerEntry;

/**
 * A household's entries in one village chain, in seq order, exactly as the public ledger serves them
 * (db/publicLedger/entries.ts: each with the pseudonym of its year, the rule only where public), so a
 * household can match its proofs against the public pages.
 */
export async function householdChainEntries(db: Db, householdId: number, villageId: number): Promise<HouseholdPublicEntry[]> {
  const rows = await sqlOf(db).all<PublicLedgerRow>(
    `SELECT ${PUBLIC_ENTRY_COLUMNS}
       FROM ledger_entries e
       JOIN households h ON h.id = e.household_id
       LEFT JOIN ledger_entries r ON r.id = e.reverses_id
      WHERE e.household_id = ? AND e.chain_id = ?
      ORDER BY e.seq`,
    [householdId, villageId],
  );
  return toPublicEntries(rows);
}

/** The household's secret pseudonym seed, for deriving its pseudonyms; never served itself. */
export async function householdPseudonymSeed(db: Db, householdId: number): Promise<string | null> {
  return (await sqlOf(db).get<{ seed: string | null }>('SELECT pseudonym_seed AS seed FROM households WHERE id = ?', [householdId]))?.seed ?? null;
}
