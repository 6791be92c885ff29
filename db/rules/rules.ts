import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, rules, ruleVersions } from '../schema';
import type { Tx } from '../transaction';

export { ruleCategories, type RuleCategory } from '../schema/rules';

export type RuleRow = typeof rules.$inferSelect;
export type RuleVersionRow = typeof ruleVersions.$inferSelect;
export type NewRule = Omit<typeof rules.$inferInsert, 'id' | 'version' | 'currentVersionId'>;
/** The fields an edit may change; anything else stays. */
export type RulePatch = Partial<Pick<RuleRow, 'category' | 'name' | 'points' | 'unit' | 'monthlyCap' | 'evidenceRequired' | 'blackList' | 'note' | 'active'>>;

/**
 * Snapshots a rule's current fields as its next version and points the rule at it. Synchronous, for
 * seeds and tests; inside the caller's transaction.
 */
export function recordRuleVersion(tx: Db, rule: RuleRow, createdBy: number | null, at: number): RuleVersionRow {
  const version = tx
    .insert(ruleVersions)
    .values({
      ruleId: rule.id,
      version: rule.version,
      category: rule.category,
      name: rule.name,
      points: rule.points,
      unit: rule.unit,
      monthlyCap: rule.monthlyCap,
      evidenceRequired: rule.evidenceRequired,
      blackList: rule.blackList,
      note: rule.note,
      createdBy,
      createdAt: at,
    })
    .returning()
    .get();
  tx.update(rules).set({ currentVersionId: version.id }).where(eq(rules.id, rule.id)).run();
  return version;
}

/** A new rule with its first version. Synchronous, for seeds and tests; ported code calls `addRule`. */
export function insertRule(tx: Db, values: NewRule, createdBy: number | null): RuleRow & { currentVersionId: number } {
  const rule = tx.insert(rules).values({ ...values, version: 1 }).returning().get();
  const version = recordRuleVersion(tx, rule, createdBy, rule.createdAt);
  return { ...rule, currentVersionId: version.id };
}

/** Store function: a new rule with its first version, inside `tx`. */
export async function addRule(tx: Tx, values: NewRule, createdBy: number | null): Promise<RuleRow & { currentVersionId: number }> {
  return insertRule(tx, values, createdBy);
}

/**
 * Applies an edit to `before` (read in the same transaction) as the rule's next version: bumps the
 * version, snapshots it, points the rule at it. Returns the rule as it now is.
 */
export async function reviseRule(tx: Tx, before: RuleRow, patch: RulePatch, createdBy: number, at: number): Promise<RuleRow & { currentVersionId: number }> {
  const updated = tx
    .update(rules)
    .set({ ...patch, version: before.version + 1, updatedAt: at })
    .where(eq(rules.id, before.id))
    .returning()
    .get();
  const version = recordRuleVersion(tx, updated, createdBy, at);
  return { ...updated, currentVersionId: version.id };
}

export async function ruleById(db: Db, id: number): Promise<RuleRow | undefined> {
  return db.select().from(rules).where(eq(rules.id, id)).get();
}

/** A rule with the materialised path of the area that owns it (the input of the scope check). */
export async function ruleWithAreaPath(db: Db, id: number): Promise<(RuleRow & { areaPath: string }) | undefined> {
  const row = db.select({ rule: rules, areaPath: areas.path }).from(rules).innerJoin(areas, eq(areas.id, rules.areaId)).where(eq(rules.id, id)).get();
  return row && { ...row.rule, areaPath: row.areaPath };
}

export type RuleOfArea = RuleRow & { areaName: string; areaKind: (typeof areas.$inferSelect)['kind'] };

/** Rules owned by any of the given areas, with the owner's name and kind; by category, points, id. */
export async function rulesOfAreas(db: Db, areaIds: readonly number[], opts: { includeInactive: boolean }): Promise<RuleOfArea[]> {
  if (!areaIds.length) return [];
  return db
    .select({ rule: rules, areaName: areas.name, areaKind: areas.kind })
    .from(rules)
    .innerJoin(areas, eq(areas.id, rules.areaId))
    .where(and(inArray(rules.areaId, [...areaIds]), opts.includeInactive ? undefined : eq(rules.active, true)))
    .orderBy(asc(rules.category), asc(rules.points), asc(rules.id))
    .all()
    .map((r) => ({ ...r.rule, areaName: r.areaName, areaKind: r.areaKind }));
}
