import { and, eq } from 'drizzle-orm';
import { objections } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict } from '../../lib/errors';
import { loadAward } from './loadAward';

/** Anyone in the village may object while an award is on public notice; an open objection holds its posting. */
export function objectToAward(ctx: Ctx, awardId: number, reason: string) {
  const award = loadAward(ctx, awardId);
  if (award.status !== 'notice' || (award.noticeEndsAt != null && award.noticeEndsAt <= ctx.now.getTime())) {
    throw new Conflict('not_on_notice', '该申报不在公示期内，不能提出异议');
  }
  return ctx.db.transaction((tx) => {
    const existing = tx
      .select({ id: objections.id })
      .from(objections)
      .where(and(eq(objections.awardId, awardId), eq(objections.userId, ctx.actor.userId), eq(objections.status, 'open')))
      .get();
    if (existing) throw new Conflict('objection_exists', '您已对该申报提出异议，正在处理中');
    const o = tx.insert(objections).values({ awardId, userId: ctx.actor.userId, reason, createdAt: ctx.now.getTime() }).returning().get();
    writeAudit(tx, ctx, { entity: 'objection', entityId: o.id, action: 'objection.create', areaId: award.villageId, after: { awardId, reason } });
    return { id: o.id, awardId, status: o.status, createdAt: o.createdAt };
  });
}
