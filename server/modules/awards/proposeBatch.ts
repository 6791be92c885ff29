import { eq, inArray } from 'drizzle-orm';
import { areas, awardBatches, awards, households } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid, NotFound, Unprocessable } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { findApplicableRule } from '../rules/listRules';
import { capUsage } from './monthlyCap';
import { assertDayNotInFuture } from './proposeAward';
import type { ProposeBatchBody } from './schemas';

/**
 * One rule for many households (a monthly hygiene inspection): every row is validated first and
 * the whole batch is written in one transaction, or nothing is.
 */
export function proposeBatch(ctx: Ctx, body: ProposeBatchBody) {
  assertDayNotInFuture(ctx, body.occurredOn);
  const ids = body.items.map((i) => i.householdId);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length) throw new Invalid(`同一农户在批次中出现多次：${[...new Set(duplicates)].join(', ')}`, { householdIds: duplicates }, 'duplicate_household');
  const found = ctx.db
    .select({ id: households.id, villageId: households.villageId, status: households.status, villagePath: areas.path })
    .from(households)
    .innerJoin(areas, eq(areas.id, households.villageId))
    .where(inArray(households.id, ids))
    .all()
    .filter((h) => pathWithin(ctx.actor, h.villagePath));
  const byId = new Map(found.map((h) => [h.id, h]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) throw new NotFound(`农户不存在：${missing.slice(0, 10).join(', ')}`);
  const archived = found.filter((h) => h.status !== 'active').map((h) => h.id);
  if (archived.length) throw new Unprocessable('household_archived', `已注销的农户不能申报：${archived.slice(0, 10).join(', ')}`, { householdIds: archived });
  const villagePaths = [...new Set(found.map((h) => h.villagePath))];
  const rule = findApplicableRule(ctx, body.ruleId, villagePaths[0]);
  if (!rule || !rule.active || villagePaths.some((p) => !findApplicableRule(ctx, body.ruleId, p))) {
    throw new NotFound('细则不存在、已停用或不适用于所有农户');
  }
  if (rule.evidenceRequired) throw new Invalid('需要佐证的细则不能批量申报', undefined, 'evidence_required');
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    if (rule.monthlyCap != null) {
      const usage = capUsage(tx, rule.id, ids, body.occurredOn);
      const over = body.items.filter((i) => (usage.get(i.householdId) ?? 0) + i.quantity > rule.monthlyCap!).map((i) => i.householdId);
      if (over.length) {
        throw new Unprocessable('monthly_cap_exceeded', `「${rule.name}」每户每月最多 ${rule.monthlyCap}${rule.unit}，超出的农户：${over.slice(0, 10).join(', ')}`, { householdIds: over });
      }
    }
    const villageIds = [...new Set(found.map((h) => h.villageId))];
    const batch = tx
      .insert(awardBatches)
      .values({ villageId: villageIds.length === 1 ? villageIds[0] : null, ruleId: rule.id, occurredOn: body.occurredOn, count: body.items.length, note: body.note ?? null, proposedBy: ctx.actor.userId, createdAt: at })
      .returning()
      .get();
    const rows = body.items.map((i) => ({
      householdId: i.householdId,
      villageId: byId.get(i.householdId)!.villageId,
      ruleId: rule.id,
      ruleVersionId: rule.currentVersionId!,
      batchId: batch.id,
      quantity: i.quantity,
      points: rule.points * i.quantity,
      occurredOn: body.occurredOn,
      note: body.note ?? null,
      status: 'pending' as const,
      proposedBy: ctx.actor.userId,
      proposedAt: at,
    }));
    const inserted: { id: number }[] = [];
    // SQLite caps bound variables per statement; 200 rows x 13 columns stays well inside it.
    for (let i = 0; i < rows.length; i += 200) {
      inserted.push(...tx.insert(awards).values(rows.slice(i, i + 200)).returning({ id: awards.id }).all());
    }
    const total = rows.reduce((s, r) => s + r.points, 0);
    writeAudit(tx, ctx, {
      entity: 'award_batch',
      entityId: batch.id,
      action: 'award_batch.propose',
      areaId: batch.villageId,
      after: { ...batch, awardIds: inserted.map((r) => r.id), totalPoints: total },
    });
    return { batchId: batch.id, ids: inserted.map((r) => r.id), count: inserted.length, totalPoints: total, status: 'pending' as const };
  });
}
