import { blackListDeductions, householdsByIds, rectificationStates, reversedEntryIds } from '../../../db/boards/scores';
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

/**
 * Deductions under black-list rules in a village and period, still standing (not reversed, not rectified),
 * and the chain seqs of those an approved rectification took off: rectifications are not in the public
 * ledger, so a board names them for the public recomputation.
 */
export async function blackListEntries(db: Db, villageId: number, period: string) {
  const rows = await blackListDeductions(db, villageId, period);
  if (!rows.length) return { entries: [], rectifiedSeqs: [] };
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
  const rectifiedSeqs = open
    .filter((r) => states.get(r.entryId) === 'approved' && r.seq != null)
    .map((r) => r.seq as number)
    .sort((a, b) => a - b);
  return { entries, rectifiedSeqs };
}

/** 黑榜: the standing black-list deductions, grouped by household (pinyin order), newest conduct first within one. */
export async function computeBlackList(db: Db, { row, settings }: LoadedArea, period: string): Promise<{ items: BlackItem[]; rectifiedSeqs: number[] }> {
  const { entries, rectifiedSeqs } = await blackListEntries(db, row.id, period);
  if (!entries.length) return { items: [], rectifiedSeqs };
  const people = new Map((await householdsByIds(db, [...new Set(entries.map((e) => e.householdId))])).map((p) => [p.householdId, p]));
  const key = (e: { householdId: number }) => people.get(e.householdId)?.initials ?? '';
  entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.householdId - b.householdId || (a.occurredOn < b.occurredOn ? 1 : a.occurredOn > b.occurredOn ? -1 : a.entryId - b.entryId)));
  const items = entries.map((e) => {
    const p = people.get(e.householdId)!;
    return { ...e, pseudonym: p.pseudonym, name: publicName(settings.maskMode, p.headName, p.doorNo) };
  });
  return { items, rectifiedSeqs };
}
