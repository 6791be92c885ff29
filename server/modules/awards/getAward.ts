import { asc, eq } from 'drizzle-orm';
import { objections, ruleVersions } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { loadAward } from './loadAward';

/** One award with the rule version it was made under and its objections (objectors stay anonymous to non-staff). */
export function getAward(ctx: Ctx, awardId: number) {
  const { villagePath: _vp, ...award } = loadAward(ctx, awardId);
  void _vp;
  if (ctx.actor.role === 'household' && award.householdId !== ctx.actor.householdId && award.status !== 'notice') {
    // Households see others' awards only while they are on public notice.
    return { ...award, rule: null, objections: [] };
  }
  const rule = ctx.db.select().from(ruleVersions).where(eq(ruleVersions.id, award.ruleVersionId)).get() ?? null;
  const staff = ctx.actor.role !== 'household';
  const list = ctx.db
    .select()
    .from(objections)
    .where(eq(objections.awardId, awardId))
    .orderBy(asc(objections.id))
    .all()
    .map((o) => ({
      id: o.id,
      reason: staff || o.userId === ctx.actor.userId ? o.reason : null,
      status: o.status,
      resolution: o.resolution,
      createdAt: o.createdAt,
      resolvedAt: o.resolvedAt,
      mine: o.userId === ctx.actor.userId,
    }));
  return { ...award, rule, objections: list };
}
