import { eq } from 'drizzle-orm';
import { awards, ruleVersions } from '../../../db/schema';
import { shanghaiDay } from '../../../db/time';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid, NotFound, Unprocessable } from '../../lib/errors';
import { getHouseholdInScopeSync } from '../../lib/scope';
import { findApplicableRule } from '../rules/listRules';
import { capUsage } from './monthlyCap';
import type { ProposeAwardBody } from './schemas';

export function assertDayNotInFuture(ctx: Ctx, day: string): void {
  if (day > shanghaiDay(ctx.now.getTime())) throw new Invalid('发生日期不能晚于今天', undefined, 'future_date');
}

export function proposeAward(ctx: Ctx, body: ProposeAwardBody) {
  assertDayNotInFuture(ctx, body.occurredOn);
  const household = getHouseholdInScopeSync(ctx, body.householdId);
  if (household.status !== 'active') throw new Unprocessable('household_archived', '该农户已注销');
  const rule = findApplicableRule(ctx, body.ruleId, household.villagePath);
  if (!rule || !rule.active) throw new NotFound('细则不存在或已停用');
  if (rule.evidenceRequired && !body.evidenceUrl) throw new Invalid('该细则需要上传照片等佐证', undefined, 'evidence_required');
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    if (rule.monthlyCap != null) {
      const used = capUsage(tx, rule.id, [household.id], body.occurredOn).get(household.id) ?? 0;
      if (used + body.quantity > rule.monthlyCap) {
        throw new Unprocessable('monthly_cap_exceeded', `「${rule.name}」每户每月最多 ${rule.monthlyCap}${rule.unit}，本月已申报 ${used}`);
      }
    }
    const version = tx.select({ id: ruleVersions.id }).from(ruleVersions).where(eq(ruleVersions.id, rule.currentVersionId ?? -1)).get();
    if (!version) throw new Error(`rule ${rule.id} has no current version`);
    const award = tx
      .insert(awards)
      .values({
        householdId: household.id,
        villageId: household.villageId,
        ruleId: rule.id,
        ruleVersionId: version.id,
        quantity: body.quantity,
        points: rule.points * body.quantity,
        occurredOn: body.occurredOn,
        memberName: body.memberName ?? null,
        note: body.note ?? null,
        evidenceUrl: body.evidenceUrl ?? null,
        status: 'pending',
        proposedBy: ctx.actor.userId,
        proposedAt: at,
      })
      .returning()
      .get();
    writeAudit(tx, ctx, { entity: 'award', entityId: award.id, action: 'award.propose', areaId: household.villageId, after: award });
    return { id: award.id, status: award.status, points: award.points, householdId: award.householdId, ruleId: award.ruleId, occurredOn: award.occurredOn };
  });
}
