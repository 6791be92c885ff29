import { eq } from 'drizzle-orm';
import { recordRuleVersion } from '../../../db/rules';
import { areas, rules } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import type { UpdateRuleBody } from './schemas';

/** An edit makes a new version; awards already proposed keep the version they were made under. */
export function updateRule(ctx: Ctx, ruleId: number, body: UpdateRuleBody) {
  const row = ctx.db.select({ rule: rules, areaPath: areas.path }).from(rules).innerJoin(areas, eq(areas.id, rules.areaId)).where(eq(rules.id, ruleId)).get();
  if (!row || !pathWithin(ctx.actor, row.areaPath)) throw new NotFound('细则不存在');
  const before = row.rule;
  const next = { ...before, ...body };
  if (next.blackList && next.points > 0) throw new Invalid('黑榜细则必须是扣分项');
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    tx.update(rules)
      .set({ ...body, version: before.version + 1, updatedAt: at })
      .where(eq(rules.id, ruleId))
      .run();
    const updated = tx.select().from(rules).where(eq(rules.id, ruleId)).get()!;
    const after = { ...updated, currentVersionId: recordRuleVersion(tx, updated, ctx.actor.userId, at).id };
    writeAudit(tx, ctx, { entity: 'rule', entityId: ruleId, action: 'rule.update', areaId: before.areaId, before, after });
    return after;
  });
}
