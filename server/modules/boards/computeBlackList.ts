import { blackListDeductions, householdsByIds, rectificationStates, reversedEntryIds } from '../../../db/boards/scores';
import type { Db } from '../../../db/client';
import { publicName } from '../public/publicName';
import type { LoadedArea } from './boardArea';

export interface BlackItem {
  entryId: number;
  householdId: number;
  name: string;
  /** The conduct: the rule's name as it was on the day. Never the household's private data. */
  conduct: string;
  occurredOn: string;
  points: number;
  /** A rectification under review; approved ones take the entry off the list. */
  rectification: 'pending' | null;
}

/** Deductions under black-list rules in a village and period, still standing (not reversed, not rectified). */
export async function blackListEntries(db: Db, villageId: number, period: string) {
  const rows = await blackListDeductions(db, villageId, period);
  if (!rows.length) return [];
  const reversed = await reversedEntryIds(db, villageId, period);
  const open = rows.filter((r) => !reversed.has(r.entryId));
  const states = await rectificationStates(
    db,
    open.map((r) => r.entryId),
  );
  return open
    .filter((r) => states.get(r.entryId) !== 'approved')
    .map((r) => ({
      entryId: r.entryId,
      householdId: r.householdId,
      occurredOn: r.occurredOn,
      points: -r.conductPoints,
      conduct: r.conduct,
      rectification: states.get(r.entryId) === 'pending' ? ('pending' as const) : null,
    }));
}

/** 黑榜: the standing black-list deductions, grouped by household (pinyin order), newest conduct first within one. */
export async function computeBlackList(db: Db, { row, settings }: LoadedArea, period: string): Promise<BlackItem[]> {
  const entries = await blackListEntries(db, row.id, period);
  if (!entries.length) return [];
  const people = new Map((await householdsByIds(db, [...new Set(entries.map((e) => e.householdId))])).map((p) => [p.householdId, p]));
  const key = (e: { householdId: number }) => people.get(e.householdId)?.initials ?? '';
  entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.householdId - b.householdId || (a.occurredOn < b.occurredOn ? 1 : a.occurredOn > b.occurredOn ? -1 : a.entryId - b.entryId)));
  return entries.map((e) => {
    const p = people.get(e.householdId)!;
    return { ...e, name: publicName(settings.maskMode, p.headName, p.doorNo) };
  });
}
