import { eq } from 'drizzle-orm';
import { householdCategoryHistory, households } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { getHouseholdInScopeSync } from '../../lib/scope';
import type { ChangeCategoryBody } from './schemas';

/** 动态管理: a category change is recorded with its date and reason; history is never overwritten. */
export function changeCategory(ctx: Ctx, householdId: number, body: ChangeCategoryBody) {
  const h = getHouseholdInScopeSync(ctx, householdId);
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    tx.update(households).set({ category: body.category, updatedAt: at }).where(eq(households.id, householdId)).run();
    const entry = tx
      .insert(householdCategoryHistory)
      .values({ householdId, category: body.category, validFrom: body.validFrom, reason: body.reason, changedBy: ctx.actor.userId, createdAt: at })
      .returning()
      .get();
    writeAudit(tx, ctx, { entity: 'household', entityId: householdId, action: 'household.category', areaId: h.villageId, before: { category: h.category }, after: body });
    return { householdId, category: entry.category, validFrom: entry.validFrom, reason: entry.reason };
  });
}
