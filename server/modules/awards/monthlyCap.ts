import { and, eq, gte, inArray, lte, ne, sql } from 'drizzle-orm';
import { awards } from '../../../db/schema';
import type { Tx } from '../../../db/client';
import { periodRange } from '../../../db/time';

/** Quantity of a rule already proposed (not rejected) this month, per household. */
export function capUsage(tx: Tx, ruleId: number, householdIds: number[], day: string): Map<number, number> {
  const { from, to } = periodRange(day.slice(0, 7));
  const rows = tx
    .select({ householdId: awards.householdId, used: sql<number>`SUM(${awards.quantity})` })
    .from(awards)
    .where(
      and(
        eq(awards.ruleId, ruleId),
        inArray(awards.householdId, householdIds),
        gte(awards.occurredOn, from),
        lte(awards.occurredOn, to),
        ne(awards.status, 'rejected'),
      ),
    )
    .groupBy(awards.householdId)
    .all();
  return new Map(rows.map((r) => [r.householdId, r.used]));
}
