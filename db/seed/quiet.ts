import { inArray, max } from 'drizzle-orm';
import type { SqliteDb } from '../client';
import { ledgerEntries } from '../schema';

/** Each household's latest ledger entry time (absent: none), for picking demo households that nothing touched lately. */
export async function lastEntryAtOfHouseholds(db: SqliteDb, ids: readonly number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows = db
    .select({ householdId: ledgerEntries.householdId, at: max(ledgerEntries.createdAt) })
    .from(ledgerEntries)
    .where(inArray(ledgerEntries.householdId, [...ids]))
    .groupBy(ledgerEntries.householdId)
    .all();
  return new Map(rows.map((r) => [r.householdId, r.at ?? 0]));
}
