import { readDb } from '../../../db/client';
import { addRule } from '../../../db/rules';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid } from '../../lib/errors';
import { getAreaInScope } from '../../lib/scope';
import { resolveHeading } from './headings';
import type { CreateRuleBody } from './schemas';

export async function createRule(ctx: Ctx, body: CreateRuleBody) {
  const db = readDb(ctx.db);
  const area = await getAreaInScope(db, ctx.actor, body.areaId);
  if (area.kind === 'group') throw new Invalid('细则只能建在县、乡镇或村', undefined, 'invalid_area');
  const heading = await resolveHeading(db, area, body.category);
  const blackList = body.blackList ?? (heading.blackList && body.points < 0);
  if (blackList && body.points > 0) throw new Invalid('黑榜细则必须是扣分项');
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    const rule = await addRule(tx, { ...body, blackList, category: heading.code, monthlyCap: body.monthlyCap ?? null, note: body.note || null, createdAt: at, updatedAt: at }, ctx.actor.userId);
    await writeAudit(tx, ctx, { entity: 'rule', entityId: rule.id, action: 'rule.create', areaId: area.id, after: rule });
    return { ...rule, categoryName: heading.name };
  });
}
