import { awardDeeds, reversedEntryIds, villageEarners } from '../../../db/boards/scores';
import type { Db } from '../../../db/client';
import { publicName } from '../public/publicName';
import type { LoadedArea } from './boardArea';
import { byInitials, withRanks } from './ranking';
import type { RedParams } from './schemas';

export interface RedItem {
  rank: number;
  householdId: number;
  /** The household's public pseudonym: the public ledger's name for it, so anyone can recompute the row. */
  pseudonym: string;
  name: string;
  earned: number;
  /** Named good deeds in the chosen categories (rule names as on the day), each once. */
  deeds: string[];
  /** The rule ids behind `deeds` (ascending): the public ledger names rules by id, not by name. */
  deedRules: number[];
}

/**
 * 红榜: every household of the village that earned points in the period, most earned first (points
 * earned, so a deduction elsewhere does not hide a good deed), with its good deeds named.
 */
export async function computeRedList(db: Db, { row, settings }: LoadedArea, period: string, params: RedParams): Promise<RedItem[]> {
  const scored = await villageEarners(db, row.id, period);
  const reversed = await reversedEntryIds(db, row.id, period);
  const deeds = new Map<number, string[]>();
  const deedRules = new Map<number, Set<number>>();
  for (const d of await awardDeeds(db, row.id, period, params.categories)) {
    if (reversed.has(d.id) || !d.name) continue;
    const list = deeds.get(d.householdId) ?? [];
    if (!list.includes(d.name)) list.push(d.name);
    deeds.set(d.householdId, list);
    if (d.ruleId != null) deedRules.set(d.householdId, (deedRules.get(d.householdId) ?? new Set()).add(d.ruleId));
  }
  scored.sort((a, b) => b.earned - a.earned || byInitials(a, b));
  return withRanks(scored, (r) => r.earned).map((r) => ({
    rank: r.rank,
    householdId: r.householdId,
    pseudonym: r.pseudonym,
    name: publicName(settings.maskMode, r.headName, r.doorNo),
    earned: r.earned,
    deeds: deeds.get(r.householdId) ?? [],
    deedRules: [...(deedRules.get(r.householdId) ?? [])].sort((a, b) => a - b),
  }));
}
