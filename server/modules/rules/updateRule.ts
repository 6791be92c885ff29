import { readDb } from '../../../db/client';
import { reviseRule, ruleById, ruleWithAreaPath } from '../../../db/rules';
import { lockRule } from '../../../db/pg/locks';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { headingNamer, resolveHeading } from './headings';
import type { UpdateRuleBody } from './schemas';

/** An edit makes a new version; awards already proposed keep the version they were made under. */
export async function updateRule(ctx: Ctx, ruleId: number, body: UpdateRuleBody) {
  // The owning area never changes: scope is checked before the transaction.
  const found = await ruleWithAreaPath(readDb(ctx.db), ruleId);
  if (!found || !pathWithin(ctx.actor, found.areaPath)) throw new NotFound('细则不存在');
  // Headings in force where the rule lives: a village heading cannot label a county rule.
  const heading = body.category === undefined ? undefined : await resolveHeading(readDb(ctx.db), { path: found.areaPath }, body.category);
  const patch = { ...body, category: heading?.code };
  if (!heading) delete patch.category;
  const at = ctx.now.getTime();
  const name = heading ? () => heading.name : await headingNamer(readDb(ctx.db), [found.category]);
  return transaction(ctx.db, async (tx) => {
    // Re-read inside, under the rule's lock: a parallel edit may have changed the version or the fields the black-list check reads.
    await lockRule(tx, ruleId);
    const before = (await ruleById(tx, ruleId))!;
    const next = { ...before, ...patch };
    if (next.blackList && next.points > 0) throw new Invalid('黑榜细则必须是扣分项');
    const after = await reviseRule(tx, before, patch, ctx.actor.userId, at);
    await writeAudit(tx, ctx, { entity: 'rule', entityId: ruleId, action: 'rule.update', areaId: before.areaId, before, after });
    return { ...after, categoryName: name(after.category) };
  });
}
