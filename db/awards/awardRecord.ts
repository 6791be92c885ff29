import { eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, households, ledgerEntries, users } from '../schema';

export interface AwardLedgerEntry {
  id: number;
  kind: string;
  points: number;
  balanceAfter: number;
  occurredOn: string;
  createdAt: number;
  createdBy: number | null;
  note: string | null;
  reversesId: number | null;
  hash: string;
}

/**
 * What an award's record page needs beyond the award row: the household and its village's name, the
 * ledger entry the award posted and the entry that reversed it (either may be absent).
 */
export async function awardRecordParts(db: Db, award: { householdId: number; villageId: number; ledgerEntryId: number | null }) {
  const household = db
    .select({ id: households.id, headName: households.headName, doorNo: households.doorNo, status: households.status })
    .from(households)
    .where(eq(households.id, award.householdId))
    .get();
  const village = db.select({ id: areas.id, name: areas.name }).from(areas).where(eq(areas.id, award.villageId)).get();
  const entries: AwardLedgerEntry[] =
    award.ledgerEntryId === null
      ? []
      : db
          .select({
            id: ledgerEntries.id,
            kind: ledgerEntries.kind,
            points: ledgerEntries.points,
            balanceAfter: ledgerEntries.balanceAfter,
            occurredOn: ledgerEntries.occurredOn,
            createdAt: ledgerEntries.createdAt,
            createdBy: ledgerEntries.createdBy,
            note: ledgerEntries.note,
            reversesId: ledgerEntries.reversesId,
            hash: ledgerEntries.hash,
          })
          .from(ledgerEntries)
          .where(or(eq(ledgerEntries.id, award.ledgerEntryId), eq(ledgerEntries.reversesId, award.ledgerEntryId)))
          .all();
  return {
    household: household ?? null,
    village: village ?? null,
    entry: entries.find((e) => e.id === award.ledgerEntryId) ?? null,
    reversal: entries.find((e) => e.reversesId === award.ledgerEntryId) ?? null,
  };
}

/** Display names (the username when there is none) of the given accounts. */
export async function userNames(db: Db, ids: readonly (number | null)[]): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  if (!wanted.length) return new Map();
  const rows = db.select({ id: users.id, username: users.username, displayName: users.displayName }).from(users).where(inArray(users.id, wanted)).all();
  return new Map(rows.map((r) => [r.id, r.displayName ?? r.username]));
}
