import { and, eq } from 'drizzle-orm';
import { awards } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden } from '../../lib/errors';
import { loadAward } from './loadAward';

export function rejectAward(ctx: Ctx, awardId: number, reason: string) {
  const award = loadAward(ctx, awardId);
  if (award.proposedBy === ctx.actor.userId) throw new Forbidden('不能审核自己提交的申报', 'own_proposal');
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const changed = tx
      .update(awards)
      .set({ status: 'rejected', reviewedBy: ctx.actor.userId, reviewedAt: at, rejectReason: reason })
      .where(and(eq(awards.id, awardId), eq(awards.status, 'pending')))
      .run().changes;
    if (changed !== 1) throw new Conflict('invalid_status', '该申报已处理，不能驳回');
    writeAudit(tx, ctx, { entity: 'award', entityId: awardId, action: 'award.reject', areaId: award.villageId, before: { status: award.status }, after: { status: 'rejected', reason } });
    return { id: awardId, status: 'rejected' as const, reason };
  });
}
