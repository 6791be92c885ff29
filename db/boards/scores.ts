import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import type { RuleCategory } from '../schema/rules';
import { sqlOf } from '../sql';
import { periodRange } from '../time';
import { withPseudonyms } from '../ledger/pseudonym';

const marks = (ids: readonly unknown[]) => ids.map(() => '?').join(', ');

// `seed` is read only to derive the period's pseudonym (`withPseudonyms`); every household has one (trigger on insert, migration 0013 backfill).

/** Active households per village at or below a path. */
export async function activeHouseholdsPerVillage(db: Db, path: string): Promise<Map<number, number>> {
  const rows = await sqlOf(db).all<{ villageId: number; n: number }>(
    `SELECT h.village_id AS "villageId", COUNT(*) AS n
       FROM households h JOIN areas a ON a.id = h.village_id
      WHERE a.path LIKE ? AND h.status = 'active'
      GROUP BY h.village_id`,
    [`${path}%`],
  );
  return new Map(rows.map((r) => [r.villageId, r.n]));
}

/** Per village at or below a path: active households that earned anything in the period, and their total conduct score. */
export async function villagePeriodTotals(db: Db, path: string, period: string): Promise<Map<number, { participants: number; total: number }>> {
  const rows = await sqlOf(db).all<{ villageId: number; participants: number; total: number }>(
    `SELECT s.village_id AS "villageId", SUM(CASE WHEN s.earned > 0 THEN 1 ELSE 0 END) AS participants, SUM(s.score) AS total
       FROM household_period_scores s
       JOIN households h ON h.id = s.household_id
       JOIN areas a ON a.id = s.village_id
      WHERE a.path LIKE ? AND s.period = ? AND h.status = 'active'
      GROUP BY s.village_id`,
    [`${path}%`, period],
  );
  return new Map(rows.map((r) => [r.villageId, { participants: Number(r.participants), total: Number(r.total) }]));
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
  const rows = await sqlOf(db).all<Omit<EarnerRow, 'pseudonym'> & { seed: string | null }>(
    `SELECT s.household_id AS "householdId", h.pseudonym_seed AS seed, s.earned AS earned, h.head_name AS "headName", h.door_no AS "doorNo", h.name_initials AS initials
       FROM household_period_scores s
       JOIN households h ON h.id = s.household_id
      WHERE s.village_id = ? AND s.period = ? AND s.earned > 0
      ORDER BY s.household_id`,
    [villageId, period],
  );
  return withPseudonyms(rows, period);
}

/** Ledger entries of a village and period that a later reversal has undone. */
export async function reversedEntryIds(db: Db, villageId: number, period: string): Promise<Set<number>> {
  const { from, to } = periodRange(period);
  const rows = await sqlOf(db).all<{ id: number | null }>(
    `SELECT reverses_id AS id FROM ledger_entries WHERE village_id = ? AND occurred_on BETWEEN ? AND ? AND kind = 'reversal'`,
    [villageId, from, to],
  );
  return new Set(rows.map((r) => r.id).filter((id): id is number => id != null));
}

/** Award entries of a village and period in the given categories, oldest first, named by the rule as on the day. */
export async function awardDeeds(db: Db, villageId: number, period: string, categories: readonly RuleCategory[]): Promise<Array<{ id: number; householdId: number; ruleId: number | null; name: string | null }>> {
  if (!categories.length) return [];
  const { from, to } = periodRange(period);
  const rows = await sqlOf(db).all<{ id: number; householdId: number; ruleId: number | null; versionName: string | null; ruleName: string | null }>(
    `SELECT e.id AS id, e.household_id AS "householdId", e.rule_id AS "ruleId", rv.name AS "versionName", ru.name AS "ruleName"
       FROM ledger_entries e
       LEFT JOIN awards aw ON aw.id = e.award_id
       LEFT JOIN rule_versions rv ON rv.id = aw.rule_version_id
       LEFT JOIN rules ru ON ru.id = e.rule_id
      WHERE e.village_id = ? AND e.occurred_on BETWEEN ? AND ? AND e.kind = 'award' AND e.category IN (${marks(categories)})
      ORDER BY e.id ASC`,
    [villageId, from, to, ...categories],
  );
  return rows.map((d) => ({ id: d.id, householdId: d.householdId, ruleId: d.ruleId, name: d.versionName ?? d.ruleName }));
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
  const rows = await sqlOf(db).all<{
    entryId: number;
    seq: number | null;
    ruleId: number | null;
    rulePublic: number | boolean;
    hashVersion: number;
    householdId: number;
    occurredOn: string;
    conductPoints: number;
    versionName: string | null;
    ruleName: string | null;
    black: number | boolean | null;
  }>(
    `SELECT e.id AS "entryId", e.seq AS seq, e.rule_id AS "ruleId", e.rule_public AS "rulePublic", e.hash_version AS "hashVersion", e.household_id AS "householdId",
            e.occurred_on AS "occurredOn", e.conduct_points AS "conductPoints", rv.name AS "versionName", ru.name AS "ruleName",
            COALESCE(rv.black_list, ru.black_list) AS black
       FROM ledger_entries e
       LEFT JOIN awards aw ON aw.id = e.award_id
       LEFT JOIN rule_versions rv ON rv.id = aw.rule_version_id
       LEFT JOIN rules ru ON ru.id = e.rule_id
      WHERE e.village_id = ? AND e.occurred_on BETWEEN ? AND ? AND e.kind = 'deduction'
      ORDER BY e.id ASC`,
    [villageId, from, to],
  );
  return rows.map((r) => {
    const rulePublic = Boolean(r.rulePublic);
    return {
      entryId: r.entryId,
      seq: r.seq,
      householdId: r.householdId,
      occurredOn: r.occurredOn,
      conductPoints: r.conductPoints,
      conduct: r.versionName ?? r.ruleName ?? '',
      ruleId: r.ruleId,
      publicRuleId: rulePublic ? r.ruleId : null,
      // Version 3 fixed the decision at posting (rule_public); older entries were decided by the upgrade, as here.
      black: r.ruleId != null && rulePublic && (r.hashVersion === 3 || Boolean(r.black)),
    };
  });
}

/** Pending or approved rectifications of the given entries: approved wins over pending. */
export async function rectificationStates(db: Db, entryIds: readonly number[]): Promise<Map<number, 'pending' | 'approved'>> {
  const q = sqlOf(db);
  const states = new Map<number, 'pending' | 'approved'>();
  const rows = await selectInChunks(entryIds, async (part) =>
    q.all<{ entryId: number; status: 'pending' | 'approved' }>(
      `SELECT ledger_entry_id AS "entryId", status FROM rectifications WHERE ledger_entry_id IN (${marks(part)}) AND status IN ('pending', 'approved')`,
      part,
    ),
  );
  for (const r of rows) if (states.get(r.entryId) !== 'approved') states.set(r.entryId, r.status);
  return states;
}

export interface BoardPerson {
  householdId: number;
  pseudonym: string;
  headName: string;
  doorNo: string | null;
  initials: string;
}

const PERSON = `h.id AS "householdId", h.pseudonym_seed AS seed, h.head_name AS "headName", h.door_no AS "doorNo", h.name_initials AS initials`;

/** Households by id with what a public board of `period` shows of them (the pseudonym is the period's year's). */
export async function householdsByIds(db: Db, ids: readonly number[], period: string): Promise<BoardPerson[]> {
  const q = sqlOf(db);
  const rows = await selectInChunks(ids, async (part) =>
    q.all<Omit<BoardPerson, 'pseudonym'> & { seed: string | null }>(`SELECT ${PERSON} FROM households h WHERE h.id IN (${marks(part)}) ORDER BY h.id`, part),
  );
  return withPseudonyms(rows, period);
}

/** Active households of a village (or the given ones of it), in pinyin order, as a board of `period` shows them. */
export async function activeVillageHouseholds(db: Db, villageId: number, period: string, only?: readonly number[]): Promise<BoardPerson[]> {
  // An empty `only` names nobody (and `IN ()` is not SQL).
  if (only && !only.length) return [];
  const rows = await sqlOf(db).all<Omit<BoardPerson, 'pseudonym'> & { seed: string | null }>(
    `SELECT ${PERSON} FROM households h
      WHERE h.village_id = ? AND h.status = 'active'${only ? ` AND h.id IN (${marks(only)})` : ''}
      ORDER BY h.name_initials ASC, h.id ASC`,
    [villageId, ...(only ?? [])],
  );
  return withPseudonyms(rows, period);
}

/** Conduct scores of a village's households in a period. */
export async function villageScores(db: Db, villageId: number, period: string): Promise<Map<number, number>> {
  const rows = await sqlOf(db).all<{ householdId: number; score: number }>(
    'SELECT household_id AS "householdId", score FROM household_period_scores WHERE village_id = ? AND period = ?',
    [villageId, period],
  );
  return new Map(rows.map((s) => [s.householdId, s.score]));
}

/** Net conduct points per (household, category) in a village and period, keyed "householdId:category". */
export async function villageCategoryPoints(db: Db, villageId: number, period: string, categories: readonly RuleCategory[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!categories.length) return out;
  const { from, to } = periodRange(period);
  const rows = await sqlOf(db).all<{ householdId: number; category: string; points: number }>(
    `SELECT household_id AS "householdId", category, SUM(conduct_points) AS points
       FROM ledger_entries
      WHERE village_id = ? AND occurred_on BETWEEN ? AND ? AND conduct_points <> 0 AND category IN (${marks(categories)})
      GROUP BY household_id, category`,
    [villageId, from, to, ...categories],
  );
  for (const r of rows) out.set(`${r.householdId}:${r.category}`, Number(r.points));
  return out;
}
