import { readDb } from '../../../db/client';
import { householdById, insertCategoryChange, updateHouseholdRow } from '../../../db/households/households';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { getHouseholdInScope } from '../../lib/scope';
import type { ChangeCategoryBody } from './schemas';

/** 动态管理: a category change is recorded with its date and reason; history is never overwritten. */
export async function changeCategory(ctx: Ctx, householdId: number, body: ChangeCategoryBody) {
  const h = await getHouseholdInScope(readDb(ctx.db), ctx.actor, householdId);
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    // The category it had when this change landed, for the audit row.
    const before = (await householdById(tx, householdId))?.category ?? h.category;
    await updateHouseholdRow(tx, householdId, { category: body.category, updatedAt: at });
    const entry = await insertCategoryChange(tx, { householdId, category: body.category, validFrom: body.validFrom, reason: body.reason, changedBy: ctx.actor.userId, createdAt: at });
    await writeAudit(tx, ctx, { entity: 'household', entityId: householdId, action: 'household.category', areaId: h.villageId, before: { category: before }, after: body });
    return { householdId, category: entry.category, validFrom: entry.validFrom, reason: entry.reason };
  });
}
