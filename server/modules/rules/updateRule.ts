import { readDb } from '../../../db/client';
import { reviseRule, ruleById, ruleWithAreaPath } from '../../../db/rules';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import type { UpdateRuleBody } from './schemas';

/** An edit makes a new version; awards already proposed keep the version they were made under. */
export async function updateRule(ctx: Ctx, ruleId: number, body: UpdateRuleBody) {
  // The owning area never changes: scope is checked before the transaction.
  const found = await ruleWithAreaPath(readDb(ctx.db), ruleId);
  if (!found || !pathWithin(ctx.actor, found.areaPath)) throw new NotFound('细则不存在');
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    // Re-read inside: a parallel edit may have changed the version or the fields the black-list check reads.
    const before = (await ruleById(tx, ruleId))!;
    const next = { ...before, ...body };
    if (next.blackList && next.points > 0) throw new Invalid('黑榜细则必须是扣分项');
    const after = await reviseRule(tx, before, body, ctx.actor.userId, at);
    await writeAudit(tx, ctx, { entity: 'rule', entityId: ruleId, action: 'rule.update', areaId: before.areaId, before, after });
    return after;
  });
}
