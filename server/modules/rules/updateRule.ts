import { eq } from 'drizzle-orm';
import { areas, rules, ruleVersions } from '../../../db/schema';
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
    const version = tx
      .insert(ruleVersions)
      .values({
        ruleId,
        version: before.version + 1,
        category: next.category,
        name: next.name,
        points: next.points,
        unit: next.unit,
        monthlyCap: next.monthlyCap,
        evidenceRequired: next.evidenceRequired,
        blackList: next.blackList,
        createdBy: ctx.actor.userId,
        createdAt: at,
      })
      .returning()
      .get();
    tx.update(rules)
      .set({ ...body, version: version.version, currentVersionId: version.id, updatedAt: at })
      .where(eq(rules.id, ruleId))
      .run();
    const after = tx.select().from(rules).where(eq(rules.id, ruleId)).get()!;
    writeAudit(tx, ctx, { entity: 'rule', entityId: ruleId, action: 'rule.update', areaId: before.areaId, before, after });
    return after;
  });
}
