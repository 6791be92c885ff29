import { readDb, type Db } from '../../../db/client';
import { ruleById, rulesOfAreas, type RuleRow } from '../../../db/rules';
import type { Ctx } from '../../lib/context';
import { getAreaInScope } from '../../lib/scope';
import { headingNamer } from './headings';
import type { ListRulesQuery } from './schemas';

const ancestry = (path: string) => path.split('/').filter(Boolean).map(Number);

/** Rules that apply in an area: its own and those inherited from the township and county above it. */
export async function listRules(ctx: Ctx, query: ListRulesQuery) {
  const db = readDb(ctx.db);
  const area = await getAreaInScope(db, ctx.actor, query.areaId ?? ctx.actor.areaId);
  const rows = await rulesOfAreas(db, ancestry(area.path), { includeInactive: query.includeInactive === '1' });
  const name = await headingNamer(db, rows.map((r) => r.category));
  return { items: rows.map((r) => ({ ...r, categoryName: name(r.category), inherited: r.areaId !== area.id })) };
}

/**
 * A rule usable for a household in the given village (its own or inherited), or null. Pass `readDb`
 * outside a transaction, the transaction handle inside one.
 */
export async function findApplicableRule(db: Db, ruleId: number, villagePath: string): Promise<RuleRow | null> {
  const rule = await ruleById(db, ruleId);
  if (!rule || !ancestry(villagePath).includes(rule.areaId)) return null;
  return rule;
}
