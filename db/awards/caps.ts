import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { sqlOf } from '../sql';
import { periodRange } from '../time';

/**
 * Quantity of a rule already proposed (not rejected) in the month of `day`, per household. A check
 * that then inserts runs it inside its transaction after `lockVillageChain`.
 */
export async function monthlyCapUsage(db: Db, ruleId: number, householdIds: readonly number[], day: string): Promise<Map<number, number>> {
  const { from, to } = periodRange(day.slice(0, 7));
  const q = sqlOf(db);
  const rows = await selectInChunks([...householdIds], async (part) =>
    q.all<{ householdId: number; used: number }>(
      `SELECT household_id AS "householdId", SUM(quantity) AS used FROM awards
        WHERE rule_id = ? AND household_id IN (${part.map(() => '?').join(', ')}) AND occurred_on >= ? AND occurred_on <= ? AND status <> 'rejected'
        GROUP BY household_id`,
      [ruleId, ...part, from, to],
    ),
  );
  return new Map(rows.map((r) => [r.householdId, r.used]));
}
