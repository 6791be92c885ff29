import { and, asc, between, eq, gt, inArray } from 'drizzle-orm';
import { awards, householdPeriodScores, households, ledgerEntries, ruleVersions, rules } from '../../../db/schema';
import type { Db } from '../../../db/client';
import { periodRange } from '../../../db/time';
import { publicName } from '../public/publicName';
import type { LoadedArea } from './boardArea';
import { byInitials, withRanks } from './ranking';
import type { RedParams } from './schemas';

export interface RedItem {
  rank: number;
  householdId: number;
  name: string;
  earned: number;
  /** Named good deeds in the chosen categories (rule names as on the day), each once. */
  deeds: string[];
}

/** Ledger entries of a village and period that a later reversal has undone. */
export function reversedIds(db: Db, villageId: number, period: string): Set<number> {
  const { from, to } = periodRange(period);
  return new Set(
    db
      .select({ id: ledgerEntries.reversesId })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.villageId, villageId), between(ledgerEntries.occurredOn, from, to), eq(ledgerEntries.kind, 'reversal')))
      .all()
      .map((r) => r.id)
      .filter((id): id is number => id != null),
  );
}

/**
 * 红榜: every household of the village that earned points in the period, most earned first (points
 * earned, so a deduction elsewhere does not hide a good deed), with its good deeds named.
 */
export function computeRedList(db: Db, { row, settings }: LoadedArea, period: string, params: RedParams): RedItem[] {
  const scored = db
    .select({
      householdId: householdPeriodScores.householdId,
      earned: householdPeriodScores.earned,
      headName: households.headName,
      doorNo: households.doorNo,
      initials: households.nameInitials,
    })
    .from(householdPeriodScores)
    .innerJoin(households, eq(households.id, householdPeriodScores.householdId))
    .where(and(eq(householdPeriodScores.villageId, row.id), eq(householdPeriodScores.period, period), gt(householdPeriodScores.earned, 0)))
    .all();
  const { from, to } = periodRange(period);
  const reversed = reversedIds(db, row.id, period);
  const deedRows = db
    .select({ id: ledgerEntries.id, householdId: ledgerEntries.householdId, versionName: ruleVersions.name, ruleName: rules.name })
    .from(ledgerEntries)
    .leftJoin(awards, eq(awards.id, ledgerEntries.awardId))
    .leftJoin(ruleVersions, eq(ruleVersions.id, awards.ruleVersionId))
    .leftJoin(rules, eq(rules.id, ledgerEntries.ruleId))
    .where(
      and(
        eq(ledgerEntries.villageId, row.id),
        between(ledgerEntries.occurredOn, from, to),
        eq(ledgerEntries.kind, 'award'),
        inArray(ledgerEntries.category, params.categories),
      ),
    )
    .orderBy(asc(ledgerEntries.id))
    .all();
  const deeds = new Map<number, string[]>();
  for (const d of deedRows) {
    const name = d.versionName ?? d.ruleName;
    if (reversed.has(d.id) || !name) continue;
    const list = deeds.get(d.householdId) ?? [];
    if (!list.includes(name)) list.push(name);
    deeds.set(d.householdId, list);
  }
  scored.sort((a, b) => b.earned - a.earned || byInitials(a, b));
  return withRanks(scored, (r) => r.earned).map((r) => ({
    rank: r.rank,
    householdId: r.householdId,
    name: publicName(settings.maskMode, r.headName, r.doorNo),
    earned: r.earned,
    deeds: deeds.get(r.householdId) ?? [],
  }));
}
