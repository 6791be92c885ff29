import { postAwardEntry, ruleCategory } from '../../../db/awards/posting';
import type { NewLedgerEntry } from '../../../db/ledger';
import type { Tx } from '../../../db/transaction';
import type { AwardRow } from './loadAward';

/** Each rule's ledger category, read once for all the awards a transaction posts. */
export async function ruleCategories(tx: Tx, awards: readonly Pick<AwardRow, 'ruleId'>[]): Promise<Map<number, string | null>> {
  const categories = new Map<number, string | null>();
  for (const ruleId of new Set(awards.map((a) => a.ruleId))) categories.set(ruleId, await ruleCategory(tx, ruleId));
  return categories;
}

/** The ledger entry an award posts: its points both spendable and as conduct score, negative ones as a deduction. */
export function awardLedgerEntry(award: AwardRow, category: string | null, at: number, actorId: number | null): NewLedgerEntry {
  return {
    householdId: award.householdId,
    villageId: award.villageId,
    kind: award.points < 0 ? 'deduction' : 'award',
    points: award.points,
    conductPoints: award.points,
    occurredOn: award.occurredOn,
    ruleId: award.ruleId,
    category,
    awardId: award.id,
    createdBy: actorId,
    createdAt: at,
  };
}

/**
 * Moves an award whose notice has ended onto the ledger, inside the caller's transaction (which has
 * locked its village). `categories` from `ruleCategories` when posting many.
 */
export async function postAward(tx: Tx, award: AwardRow, at: number, actorId: number | null, categories?: Map<number, string | null>): Promise<number> {
  const category = categories?.get(award.ruleId) ?? (await ruleCategory(tx, award.ruleId));
  return postAwardEntry(tx, award.id, awardLedgerEntry(award, category, at, actorId), at);
}
