// One owner: the verifier recomputes ranks with the same function.
export { withRanks } from '../../lib/publicVerify/boardRules';

/** Sort key for "stable order by name pinyin": initials, then id so equal initials never swap. */
export function byInitials(a: { initials: string; householdId: number }, b: { initials: string; householdId: number }): number {
  return a.initials < b.initials ? -1 : a.initials > b.initials ? 1 : a.householdId - b.householdId;
}
