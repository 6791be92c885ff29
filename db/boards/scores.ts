import { and, asc, between, count, eq, gt, inArray, like, ne, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { areas, awards, householdPeriodScores, households, ledgerEntries, rectifications, ruleVersions, rules } from '../schema';
import type { RuleCategory } from '../schema/rules';
import { periodRange } from '../time';
import { withPseudonyms } from '../ledger/pseudonym';

// Read only to derive the period's pseudonym (`withPseudonyms`); every household has one (trigger on insert, migration 0013 backfill).
const seed = households.pseudonymSeed;

/** Active households per village at or below a path. */
export async function activeHouseholdsPerVillage(db: Db, path: string): Promise<Map<number, number>> {
  return new Map(
    db
      .select({ villageId: households.villageId, n: count() })
      .from(households)
      .innerJoin(areas, eq(areas.id, households.villageId))
      .where(and(like(areas.path, `${path}%`), eq(households.status, 'active')))
      .groupBy(households.villageId)
      .all()
      .map((r) => [r.villageId, r.n]),
  );
}

/** Per village at or below a path: active households that earned anything in the period, and their total conduct score. */
export async function villagePeriodTotals(db: Db, path: string, period: string): Promise<Map<number, { participants: number; total: number }>> {
  return new Map(
    db
      .select({
        villageId: householdPeriodScores.villageId,
        participants: sql<number>`sum(case when ${householdPeriodScores.earned} > 0 then 1 else 0 end)`,
        total: sql<number>`sum(${householdPeriodScores.score})`,
      })
      .from(householdPeriodScores)
      .innerJoin(households, eq(households.id, householdPeriodScores.householdId))
      .innerJoin(areas, eq(areas.id, householdPeriodScores.villageId))
      .where(and(like(areas.path, `${path}%`), eq(householdPeriodScores.period, period), eq(households.status, 'active')))
      .groupBy(householdPeriodScores.villageId)
      .all()
      .map((r) => [r.villageId, { participants: Number(r.participants), total: Number(r.total) }]),
  );
}

export interface EarnerRow {
  householdId: number;
  pseudonym: string;
  earned: number;
  headName: string;
  doorNo: string | null;
  initials: string;
}

/** Households of a village that earned points in the period, with what they earned. */
export async function villageEarners(db: Db, villageId: number, period: string): Promise<EarnerRow[]> {
  const rows = db
    .select({
      householdId: householdPeriodScores.householdId,
      seed,
      earned: householdPeriodScores.earned,
      headName: households.headName,
      doorNo: households.doorNo,
      initials: households.nameInitials,
    })
    .from(householdPeriodScores)
    .innerJoin(households, eq(households.id, householdPeriodScores.householdId))
    .where(and(eq(householdPeriodScores.villageId, villageId), eq(householdPeriodScores.period, period), gt(householdPeriodScores.earned, 0)))
    .all();
  return withPseudonyms(rows, period);
}

/** Ledger entries of a village and period that a later reversal has undone. */
export async function reversedEntryIds(db: Db, villageId: number, period: string): Promise<Set<number>> {
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

/** Award entries of a village and period in the given categories, oldest first, named by the rule as on the day. */
export async function awardDeeds(db: Db, villageId: number, period: string, categories: readonly RuleCategory[]): Promise<Array<{ id: number; householdId: number; ruleId: number | null; name: string | null }>> {
  const { from, to } = periodRange(period);
  return db
    .select({ id: ledgerEntries.id, householdId: ledgerEntries.householdId, ruleId: ledgerEntries.ruleId, versionName: ruleVersions.name, ruleName: rules.name })
    .from(ledgerEntries)
    .leftJoin(awards, eq(awards.id, ledgerEntries.awardId))
    .leftJoin(ruleVersions, eq(ruleVersions.id, awards.ruleVersionId))
    .leftJoin(rules, eq(rules.id, ledgerEntries.ruleId))
    .where(and(eq(ledgerEntries.villageId, villageId), between(ledgerEntries.occurredOn, from, to), eq(ledgerEntries.kind, 'award'), inArray(ledgerEntries.category, [...categories])))
    .orderBy(asc(ledgerEntries.id))
    .all()
    .map((d) => ({ id: d.id, householdId: d.householdId, ruleId: d.ruleId, name: d.versionName ?? d.ruleName }));
}

export interface BlackDeduction {
  entryId: number;
  /** Its seq in the village chain (null on entries of the old single chain). */
  seq: number | null;
  householdId: number;
  occurredOn: string;
  conductPoints: number;
  /** The rule's name as it was on the day (direct entries: the rule head's). */
  conduct: string;
  ruleId: number | null;
  /** The rule as the public ledger shows it: null where hidden (not a black-list rule when posted). */
  publicRuleId: number | null;
  /**
   * Under a black-list rule: the rule version the deduction was made under decides (direct entries: the
   * rule), and never where the public ledger hides the rule, so the black list and the public ledger agree.
   */
  black: boolean;
}

/** Deductions of a village and period, oldest first, each marked black-list or not (see `BlackDeduction.black`). */
export async function villageDeductions(db: Db, villageId: number, period: string): Promise<BlackDeduction[]> {
  const { from, to } = periodRange(period);
  return db
    .select({
      entryId: ledgerEntries.id,
      seq: ledgerEntries.seq,
      ruleId: ledgerEntries.ruleId,
      rulePublic: ledgerEntries.rulePublic,
      hashVersion: ledgerEntries.hashVersion,
      householdId: ledgerEntries.householdId,
      occurredOn: ledgerEntries.occurredOn,
      conductPoints: ledgerEntries.conductPoints,
      versionName: ruleVersions.name,
      versionBlack: ruleVersions.blackList,
      ruleName: rules.name,
      ruleBlack: rules.blackList,
    })
    .from(ledgerEntries)
    .leftJoin(awards, eq(awards.id, ledgerEntries.awardId))
    .leftJoin(ruleVersions, eq(ruleVersions.id, awards.ruleVersionId))
    .leftJoin(rules, eq(rules.id, ledgerEntries.ruleId))
    .where(and(eq(ledgerEntries.villageId, villageId), between(ledgerEntries.occurredOn, from, to), eq(ledgerEntries.kind, 'deduction')))
    .orderBy(asc(ledgerEntries.id))
    .all()
    .map((r) => ({
      entryId: r.entryId,
      seq: r.seq,
      householdId: r.householdId,
      occurredOn: r.occurredOn,
      conductPoints: r.conductPoints,
      conduct: r.versionName ?? r.ruleName ?? '',
      ruleId: r.ruleId,
      publicRuleId: r.rulePublic ? r.ruleId : null,
      // Version 3 fixed the decision at posting (rule_public); older entries were decided by the upgrade, as here.
      black: r.ruleId != null && r.rulePublic && (r.hashVersion === 3 || (r.versionBlack ?? r.ruleBlack) === true),
    }));
}

/** Pending or approved rectifications of the given entries: approved wins over pending. */
export async function rectificationStates(db: Db, entryIds: readonly number[]): Promise<Map<number, 'pending' | 'approved'>> {
  const states = new Map<number, 'pending' | 'approved'>();
  const rows = selectInChunks(entryIds, (part) =>
    db
      .select({ entryId: rectifications.ledgerEntryId, status: rectifications.status })
      .from(rectifications)
      .where(and(inArray(rectifications.ledgerEntryId, part), inArray(rectifications.status, ['pending', 'approved'])))
      .all(),
  );
  for (const r of rows) if (states.get(r.entryId) !== 'approved') states.set(r.entryId, r.status as 'pending' | 'approved');
  return states;
}

export interface BoardPerson {
  householdId: number;
  pseudonym: string;
  headName: string;
  doorNo: string | null;
  initials: string;
}

/** Households by id with what a public board of `period` shows of them (the pseudonym is the period's year's). */
export async function householdsByIds(db: Db, ids: readonly number[], period: string): Promise<BoardPerson[]> {
  const rows = selectInChunks(ids, (part) =>
    db
      .select({ householdId: households.id, seed, headName: households.headName, doorNo: households.doorNo, initials: households.nameInitials })
      .from(households)
      .where(inArray(households.id, part))
      .all(),
  );
  return withPseudonyms(rows, period);
}

/** Active households of a village (or the given ones of it), in pinyin order, as a board of `period` shows them. */
export async function activeVillageHouseholds(db: Db, villageId: number, period: string, only?: readonly number[]): Promise<BoardPerson[]> {
  const rows = db
    .select({ householdId: households.id, seed, headName: households.headName, doorNo: households.doorNo, initials: households.nameInitials })
    .from(households)
    .where(and(eq(households.villageId, villageId), eq(households.status, 'active'), only ? inArray(households.id, [...only]) : undefined))
    .orderBy(asc(households.nameInitials), asc(households.id))
    .all();
  return withPseudonyms(rows, period);
}

/** Conduct scores of a village's households in a period. */
export async function villageScores(db: Db, villageId: number, period: string): Promise<Map<number, number>> {
  return new Map(
    db
      .select({ householdId: householdPeriodScores.householdId, score: householdPeriodScores.score })
      .from(householdPeriodScores)
      .where(and(eq(householdPeriodScores.villageId, villageId), eq(householdPeriodScores.period, period)))
      .all()
      .map((s) => [s.householdId, s.score]),
  );
}

/** Net conduct points per (household, category) in a village and period, keyed "householdId:category". */
export async function villageCategoryPoints(db: Db, villageId: number, period: string, categories: readonly RuleCategory[]): Promise<Map<string, number>> {
  const { from, to } = periodRange(period);
  const out = new Map<string, number>();
  for (const r of db
    .select({ householdId: ledgerEntries.householdId, category: ledgerEntries.category, points: sql<number>`sum(${ledgerEntries.conductPoints})` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.villageId, villageId), between(ledgerEntries.occurredOn, from, to), ne(ledgerEntries.conductPoints, 0), inArray(ledgerEntries.category, [...categories])))
    .groupBy(ledgerEntries.householdId, ledgerEntries.category)
    .all())
    out.set(`${r.householdId}:${r.category}`, Number(r.points));
  return out;
}
