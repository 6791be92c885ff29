import { and, eq, gte, inArray, lte, ne, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { awards } from '../schema';
import { periodRange } from '../time';

function usage(db: Db, ruleId: number, householdIds: readonly number[], day: string): Map<number, number> {
  const { from, to } = periodRange(day.slice(0, 7));
  const rows = selectInChunks([...householdIds], (part) =>
    db
      .select({ householdId: awards.householdId, used: sql<number>`SUM(${awards.quantity})` })
      .from(awards)
      .where(and(eq(awards.ruleId, ruleId), inArray(awards.householdId, part), gte(awards.occurredOn, from), lte(awards.occurredOn, to), ne(awards.status, 'rejected')))
      .groupBy(awards.householdId)
      .all(),
  );
  return new Map(rows.map((r) => [r.householdId, r.used]));
}

/**
 * Quantity of a rule already proposed (not rejected) in the month of `day`, per household. A check
 * that then inserts runs it inside its transaction after `lockVillageChain`.
 */
export async function monthlyCapUsage(db: Db, ruleId: number, householdIds: readonly number[], day: string): Promise<Map<number, number>> {
  return usage(db, ruleId, householdIds, day);
}

