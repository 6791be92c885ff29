import { and, asc, eq, inArray } from 'drizzle-orm';
import { areas, rules } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { getAreaInScopeSync } from '../../lib/scope';
import type { ListRulesQuery } from './schemas';

/** Rules that apply in an area: its own and those inherited from the township and county above it. */
export function listRules(ctx: Ctx, query: ListRulesQuery) {
  const area = getAreaInScopeSync(ctx, query.areaId ?? ctx.actor.areaId);
  const ancestorIds = area.path.split('/').filter(Boolean).map(Number);
  const items = ctx.db
    .select({ rule: rules, areaName: areas.name, areaKind: areas.kind })
    .from(rules)
    .innerJoin(areas, eq(areas.id, rules.areaId))
    .where(and(inArray(rules.areaId, ancestorIds), query.includeInactive === '1' ? undefined : eq(rules.active, true)))
    .orderBy(asc(rules.category), asc(rules.points), asc(rules.id))
    .all()
    .map((r) => ({ ...r.rule, areaName: r.areaName, areaKind: r.areaKind, inherited: r.rule.areaId !== area.id }));
  return { items };
}

/** A rule usable for a household in the given village (its own or inherited). */
export function findApplicableRule(ctx: Ctx, ruleId: number, villagePath: string) {
  const ancestorIds = villagePath.split('/').filter(Boolean).map(Number);
  const rule = ctx.db.select().from(rules).where(eq(rules.id, ruleId)).get();
  if (!rule || !ancestorIds.includes(rule.areaId)) return null;
  return rule;
}
