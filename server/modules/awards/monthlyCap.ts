import { monthlyCapUsage } from '../../../db/awards/caps';
import type { Tx } from '../../../db/transaction';

/**
 * The households whose proposals would take a rule past its monthly cap (per household, counting what
 * is already proposed and not rejected that month), with what they had used. Call it inside the
 * proposing transaction after `lockVillageChain` for each household's village, then insert: checked and
 * written under one lock, two proposals cannot both slip under the cap.
 */
export async function overMonthlyCap(
  tx: Tx,
  rule: { id: number; monthlyCap: number | null },
  items: readonly { householdId: number; quantity: number }[],
  day: string,
): Promise<{ householdId: number; used: number }[]> {
  if (rule.monthlyCap == null) return [];
  const usage = await monthlyCapUsage(tx, rule.id, items.map((i) => i.householdId), day);
  const over: { householdId: number; used: number }[] = [];
  for (const i of items) {
    const used = usage.get(i.householdId) ?? 0;
    if (used + i.quantity > rule.monthlyCap) over.push({ householdId: i.householdId, used });
  }
  return over;
}
