import type { Db } from '../client';
import { sqlOf } from '../sql';

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

export interface AwardRecordParts {
  household: { id: number; headName: string; doorNo: string | null; status: 'active' | 'archived' } | null;
  village: { id: number; name: string } | null;
  entry: AwardLedgerEntry | null;
  reversal: AwardLedgerEntry | null;
}

/**
 * What an award's record page needs beyond the award row: the household and its village's name, the
 * ledger entry the award posted and the entry that reversed it (either may be absent).
 */
export async function awardRecordParts(db: Db, award: { householdId: number; villageId: number; ledgerEntryId: number | null }): Promise<AwardRecordParts> {
  const q = sqlOf(db);
  const household = await q.get<NonNullable<AwardRecordParts['household']>>(
    'SELECT id, head_name AS "headName", door_no AS "doorNo", status FROM households WHERE id = ?',
    [award.householdId],
  );
  const village = await q.get<{ id: number; name: string }>('SELECT id, name FROM areas WHERE id = ?', [award.villageId]);
  const entries =
    award.ledgerEntryId === null
      ? []
      : await q.all<AwardLedgerEntry>(
          `SELECT id, kind, points, balance_after AS "balanceAfter", occurred_on AS "occurredOn", created_at AS "createdAt", created_by AS "createdBy",
                  note, reverses_id AS "reversesId", hash
             FROM ledger_entries WHERE id = ? OR reverses_id = ?
            ORDER BY id`,
          [award.ledgerEntryId, award.ledgerEntryId],
        );
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
  const rows = await sqlOf(db).all<{ id: number; name: string }>(
    `SELECT id, COALESCE(display_name, username) AS name FROM users WHERE id IN (${wanted.map(() => '?').join(', ')}) ORDER BY id`,
    wanted,
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}
