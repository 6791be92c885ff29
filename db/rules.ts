import { eq } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { rules, ruleVersions } from './schema';

export type RuleRow = typeof rules.$inferSelect;

/** Snapshots a rule's current fields as its next version and points the rule at it. Inside a transaction. */
export function recordRuleVersion(tx: Tx | Db, rule: RuleRow, createdBy: number | null, at: number): typeof ruleVersions.$inferSelect {
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
      createdBy,
      createdAt: at,
    })
    .returning()
    .get();
  tx.update(rules).set({ currentVersionId: version.id }).where(eq(rules.id, rule.id)).run();
  return version;
}

/** A new rule with its first version. Inside a transaction. */
export function insertRule(
  tx: Tx | Db,
  values: Omit<typeof rules.$inferInsert, 'id' | 'version' | 'currentVersionId'>,
  createdBy: number | null,
): RuleRow & { currentVersionId: number } {
  const rule = tx.insert(rules).values({ ...values, version: 1 }).returning().get();
  const version = recordRuleVersion(tx, rule, createdBy, rule.createdAt);
  return { ...rule, currentVersionId: version.id };
}
