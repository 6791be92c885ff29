import { insertAwardBatch, insertAwards, type NewAward } from '../../../db/awards/awards';
import { proposalHouseholds } from '../../../db/awards/proposals';
import { readDb } from '../../../db/client';
import { lockVillageChain } from '../../../db/ledger';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid, NotFound, Unprocessable } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { findApplicableRule } from '../rules/listRules';
import { overMonthlyCap } from './monthlyCap';
import { assertDayNotInFuture } from './proposeAward';
import type { ProposeBatchBody } from './schemas';

function refuseArchived(ids: number[]): void {
  if (ids.length) throw new Unprocessable('household_archived', `已注销的农户不能申报：${ids.slice(0, 10).join(', ')}`, { householdIds: ids });
}

/**
 * One rule for many households (a monthly hygiene inspection): every row is validated first and
 * the whole batch is written in one transaction, or nothing is.
 */
export async function proposeBatch(ctx: Ctx, body: ProposeBatchBody) {
  assertDayNotInFuture(ctx, body.occurredOn);
  const ids = body.items.map((i) => i.householdId);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length) throw new Invalid(`同一农户在批次中出现多次：${[...new Set(duplicates)].join(', ')}`, { householdIds: duplicates }, 'duplicate_household');
  const read = readDb(ctx.db);
  const found = (await proposalHouseholds(read, ids)).filter((h) => pathWithin(ctx.actor, h.villagePath));
  const byId = new Map(found.map((h) => [h.id, h]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) throw new NotFound(`农户不存在：${missing.slice(0, 10).join(', ')}`);
  refuseArchived(found.filter((h) => h.status !== 'active').map((h) => h.id));
  const villagePaths = [...new Set(found.map((h) => h.villagePath))];
  const applicable = await findApplicableRule(read, body.ruleId, villagePaths[0]);
  let appliesEverywhere = true;
  for (const p of villagePaths.slice(1)) if (!(await findApplicableRule(read, body.ruleId, p))) appliesEverywhere = false;
  if (!applicable || !applicable.active || !appliesEverywhere) throw new NotFound('细则不存在、已停用或不适用于所有农户');
  if (applicable.evidenceRequired) throw new Invalid('需要佐证的细则不能批量申报', undefined, 'evidence_required');
  const villageIds = [...new Set(found.map((h) => h.villageId))].sort((a, b) => a - b);
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    // Every village the batch touches, in id order, before the caps are counted.
    for (const villageId of villageIds) await lockVillageChain(tx, villageId);
    refuseArchived((await proposalHouseholds(tx, ids)).filter((h) => h.status !== 'active').map((h) => h.id));
    const rule = await findApplicableRule(tx, applicable.id, villagePaths[0]);
    if (!rule?.active) throw new NotFound('细则不存在、已停用或不适用于所有农户');
    if (rule.currentVersionId == null) throw new Error(`rule ${rule.id} has no current version`);
    const over = (await overMonthlyCap(tx, rule, body.items, body.occurredOn)).map((o) => o.householdId);
    if (over.length) {
      // A rule counted in months (unit 月) is done once a month: "最多 1 次", not "最多 1月". The web names the households from details.
      const capUnit = rule.unit === '月' ? '次' : rule.unit;
      throw new Unprocessable('monthly_cap_exceeded', `「${rule.name}」每户每月最多 ${rule.monthlyCap} ${capUnit}，${over.length} 户超出`, { householdIds: over });
    }
    const batch = await insertAwardBatch(tx, {
      villageId: villageIds.length === 1 ? villageIds[0] : null,
      ruleId: rule.id,
      occurredOn: body.occurredOn,
      count: body.items.length,
      note: body.note ?? null,
      proposedBy: ctx.actor.userId,
      createdAt: at,
    });
    const rows: NewAward[] = body.items.map((i) => ({
      householdId: i.householdId,
      villageId: byId.get(i.householdId)!.villageId,
      ruleId: rule.id,
      ruleVersionId: rule.currentVersionId!,
      batchId: batch.id,
      quantity: i.quantity,
      points: rule.points * i.quantity,
      occurredOn: body.occurredOn,
      note: body.note ?? null,
      status: 'pending',
      proposedBy: ctx.actor.userId,
      proposedAt: at,
    }));
    const awardIds = await insertAwards(tx, rows);
    const totalPoints = rows.reduce((s, r) => s + r.points, 0);
    await writeAudit(tx, ctx, {
      entity: 'award_batch',
      entityId: batch.id,
      action: 'award_batch.propose',
      areaId: batch.villageId,
      after: { ...batch, awardIds, totalPoints },
    });
    return { batchId: batch.id, ids: awardIds, count: awardIds.length, totalPoints, status: 'pending' as const };
  });
}
