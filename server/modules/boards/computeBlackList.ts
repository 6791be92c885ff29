import { villageDeductions, householdsByIds, rectificationStates, reversedEntryIds } from '../../../db/boards/scores';
import type { Db } from '../../../db/client';
import { publicName } from '../public/publicName';
import type { LoadedArea } from './boardArea';

export interface BlackItem {
  entryId: number;
  /** The deduction's seq in the village chain (null on entries of the old single chain). */
  seq: number | null;
  householdId: number;
  /** The household's public pseudonym (see the public ledger). */
  pseudonym: string;
  name: string;
  /** The conduct: the rule's name as it was on the day. Never the household's private data. */
  conduct: string;
  occurredOn: string;
  points: number;
  /** A rectification under review; approved ones take the entry off the list. */
  rectification: 'pending' | null;
}

/** What the public recomputation of a black list needs beyond the rows (rectifications and rule flags are not in the public ledger). */
export interface BlackListBasis {
  /** Chain seqs of black-list deductions an approved rectification took off the list. */
  rectifiedSeqs: number[];
  /** Rule ids of the period's black-list deductions, ascending. */
  blackRules: number[];
  /**
   * Chain seqs of deductions the public ledger shows under one of `blackRules` that are not black-list
   * deductions (entries from before the upgrade whose rule became a black-list rule since). Deductions
   * whose rule the public ledger hides are never named here: that would tell their rule.
   */
  notBlackSeqs: number[];
}

const seqsOf = (rows: Array<{ seq: number | null }>) => rows.flatMap((r) => (r.seq == null ? [] : [r.seq])).sort((a, b) => a - b);

/**
 * Deductions under black-list rules in a village and period, still standing (not reversed, not rectified),
 * and the basis a public verifier needs to recompute the list from the public ledger.
 */
export async function blackListEntries(db: Db, villageId: number, period: string) {
  const all = await villageDeductions(db, villageId, period);
  const rows = all.filter((r) => r.black);
  const blackRules = [...new Set(rows.flatMap((r) => (r.ruleId == null ? [] : [r.ruleId])))].sort((a, b) => a - b);
  const notBlackSeqs = seqsOf(all.filter((r) => !r.black && r.publicRuleId != null && blackRules.includes(r.publicRuleId)));
  if (!rows.length) return { entries: [], basis: { rectifiedSeqs: [], blackRules, notBlackSeqs } };
  const reversed = await reversedEntryIds(db, villageId, period);
  const open = rows.filter((r) => !reversed.has(r.entryId));
  const states = await rectificationStates(
    db,
    open.map((r) => r.entryId),
  );
  const entries = open
    .filter((r) => states.get(r.entryId) !== 'approved')
    .map((r) => ({
      entryId: r.entryId,
      seq: r.seq,
      householdId: r.householdId,
      occurredOn: r.occurredOn,
      points: -r.conductPoints,
      conduct: r.conduct,
      rectification: states.get(r.entryId) === 'pending' ? ('pending' as const) : null,
    }));
  return { entries, basis: { rectifiedSeqs: seqsOf(open.filter((r) => states.get(r.entryId) === 'approved')), blackRules, notBlackSeqs } };
}

/** 黑榜: the standing black-list deductions, grouped by household (pinyin order), newest conduct first within one. */
export async function computeBlackList(db: Db, { row, settings }: LoadedArea, period: string): Promise<BlackListBasis & { items: BlackItem[] }> {
  const { entries, basis } = await blackListEntries(db, row.id, period);
  if (!entries.length) return { items: [], ...basis };
  const people = new Map((await householdsByIds(db, [...new Set(entries.map((e) => e.householdId))], period)).map((p) => [p.householdId, p]));
  const key = (e: { householdId: number }) => people.get(e.householdId)?.initials ?? '';
  entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.householdId - b.householdId || (a.occurredOn < b.occurredOn ? 1 : a.occurredOn > b.occurredOn ? -1 : a.entryId - b.entryId)));
  const items = entries.map((e) => {
    const p = people.get(e.householdId)!;
    return { ...e, pseudonym: p.pseudonym, name: publicName(settings.maskMode, p.headName, p.doorNo) };
  });
  return { items, ...basis };
}
