import { eq } from 'drizzle-orm';
import { rules, ruleVersions } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid } from '../../lib/errors';
import { getAreaInScope } from '../../lib/scope';
import type { CreateRuleBody } from './schemas';

export function createRule(ctx: Ctx, body: CreateRuleBody) {
  const area = getAreaInScope(ctx, body.areaId);
  if (area.kind === 'group') throw new Invalid('细则只能建在县、乡镇或村', undefined, 'invalid_area');
  if (body.blackList && body.points > 0) throw new Invalid('黑榜细则必须是扣分项');
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const rule = tx
      .insert(rules)
      .values({ ...body, monthlyCap: body.monthlyCap ?? null, version: 1, createdAt: at, updatedAt: at })
      .returning()
      .get();
    const version = tx
      .insert(ruleVersions)
      .values({
        ruleId: rule.id,
        version: 1,
        category: rule.category,
        name: rule.name,
        points: rule.points,
        unit: rule.unit,
        monthlyCap: rule.monthlyCap,
        evidenceRequired: rule.evidenceRequired,
        blackList: rule.blackList,
        createdBy: ctx.actor.userId,
        createdAt: at,
      })
      .returning()
      .get();
    tx.update(rules).set({ currentVersionId: version.id }).where(eq(rules.id, rule.id)).run();
    const result = { ...rule, currentVersionId: version.id };
    writeAudit(tx, ctx, { entity: 'rule', entityId: rule.id, action: 'rule.create', areaId: area.id, after: result });
    return result;
  });
}
