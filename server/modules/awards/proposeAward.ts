import { insertAward } from '../../../db/awards/awards';
import { proposalHouseholds } from '../../../db/awards/proposals';
import { readDb } from '../../../db/client';
import { insertAwardEvidence } from '../../../db/evidence/evidence';
import { lockVillageChain } from '../../../db/ledger';
import { shanghaiDay } from '../../../db/time';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid, NotFound, Unprocessable } from '../../lib/errors';
import { getHouseholdInScope } from '../../lib/scope';
import { assertOwnEvidence } from '../evidence/proposalEvidence';
import { findApplicableRule } from '../rules/listRules';
import { overMonthlyCap } from './monthlyCap';
import type { ProposeAwardBody } from './schemas';

export function assertDayNotInFuture(ctx: Ctx, day: string): void {
  if (day > shanghaiDay(ctx.now.getTime())) throw new Invalid('发生日期不能晚于今天', undefined, 'future_date');
}

export async function proposeAward(ctx: Ctx, body: ProposeAwardBody) {
  assertDayNotInFuture(ctx, body.occurredOn);
  const household = await getHouseholdInScope(readDb(ctx.db), ctx.actor, body.householdId);
  if (household.status !== 'active') throw new Unprocessable('household_archived', '该农户已注销');
  const applicable = await findApplicableRule(readDb(ctx.db), body.ruleId, household.villagePath);
  if (!applicable || !applicable.active) throw new NotFound('细则不存在或已停用');
  const evidence = body.evidence ?? [];
  // 需佐证 means a photo: a bare link proves nothing a reviewer can see.
  const missingPhoto = (r: { evidenceRequired: boolean }) => r.evidenceRequired && !evidence.length;
  if (missingPhoto(applicable)) throw new Invalid('该细则需要上传照片佐证', undefined, 'evidence_required');
  await assertOwnEvidence(readDb(ctx.db), ctx.actor, evidence);
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    await lockVillageChain(tx, household.villageId);
    // Status, points and cap are re-read under the lock: what was checked above may have changed since.
    const [now] = await proposalHouseholds(tx, [household.id]);
    if (now?.status !== 'active') throw new Unprocessable('household_archived', '该农户已注销');
    const rule = await findApplicableRule(tx, applicable.id, household.villagePath);
    if (!rule?.active) throw new NotFound('细则不存在或已停用');
    if (rule.currentVersionId == null) throw new Error(`rule ${rule.id} has no current version`);
    if (missingPhoto(rule)) throw new Invalid('该细则需要上传照片佐证', undefined, 'evidence_required');
    const [over] = await overMonthlyCap(tx, rule, [{ householdId: household.id, quantity: body.quantity }], body.occurredOn);
    if (over) throw new Unprocessable('monthly_cap_exceeded', `「${rule.name}」每户每月最多 ${rule.monthlyCap}${rule.unit}，本月已申报 ${over.used}`);
    const award = await insertAward(tx, {
      householdId: household.id,
      villageId: household.villageId,
      ruleId: rule.id,
      ruleVersionId: rule.currentVersionId,
      quantity: body.quantity,
      points: rule.points * body.quantity,
      occurredOn: body.occurredOn,
      memberName: body.memberName ?? null,
      note: body.note ?? null,
      evidenceUrl: body.evidenceUrl ?? null,
      status: 'pending',
      proposedBy: ctx.actor.userId,
      proposedAt: at,
    });
    await insertAwardEvidence(tx, [{ awardId: award.id, hashes: evidence }]);
    await writeAudit(tx, ctx, { entity: 'award', entityId: award.id, action: 'award.propose', areaId: household.villageId, after: { ...award, evidence } });
    return { id: award.id, status: award.status, points: award.points, householdId: award.householdId, ruleId: award.ruleId, occurredOn: award.occurredOn };
  });
}
