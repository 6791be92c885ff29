import type { Db } from '../client';
import { sqlOf } from '../sql';
import type { Tx } from '../transaction';

type Row = { householdId: number; credits: number; debits: number; balance: number };

/**
 * Points that are older than `cutoff` and still unspent, per household of a village. Spending is
 * first-in-first-out: every debit (redemption, deduction, earlier expiry ...) uses the oldest points
 * first, so what may expire is credits before the cutoff minus all debits so far. Running it again
 * after the expiry entries are written yields nothing, which makes the job idempotent.
 */
export async function expirableByHousehold(tx: Tx, villageId: number, cutoff: number): Promise<{ householdId: number; points: number }[]> {
  return (await sqlOf(tx).all<Row>(EXPIRABLE_BY_VILLAGE, [cutoff, villageId]))
    .map(toExpirable)
    .filter((r) => r.points > 0);
}

/** What of one household's points would expire at `cutoff` (for the household page's advance notice). */
export async function expirableForHousehold(db: Db, householdId: number, cutoff: number): Promise<number> {
  const row = await sqlOf(db).get<Row>(EXPIRABLE_BY_HOUSEHOLD, [cutoff, householdId]);
  return row ? toExpirable(row).points : 0;
}

function toExpirable(r: Row) {
  return { householdId: r.householdId, points: Math.min(r.balance, Math.max(0, r.credits - r.debits)) };
}

// One query, filtered by village (the daily job) or by household (the household page).
const expirableSql = (column: 'village_id' | 'household_id') =>
  `SELECT l.household_id AS "householdId",
          COALESCE(SUM(CASE WHEN l.points > 0 AND l.created_at < ? THEN l.points ELSE 0 END), 0) AS credits,
          COALESCE(SUM(CASE WHEN l.points < 0 THEN -l.points ELSE 0 END), 0) AS debits,
          MAX(h.balance) AS balance
     FROM ledger_entries l JOIN households h ON h.id = l.household_id
    WHERE l.${column} = ?
    GROUP BY l.household_id`;

const EXPIRABLE_BY_VILLAGE = expirableSql('village_id');
const EXPIRABLE_BY_HOUSEHOLD = expirableSql('household_id');
