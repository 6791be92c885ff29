import { and, eq } from 'drizzle-orm';
import { areas, rectifications } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';

function decide(ctx: Ctx, id: number, decision: 'approved' | 'rejected', reason: string | null) {
  const row = ctx.db.select({ r: rectifications, path: areas.path }).from(rectifications).innerJoin(areas, eq(areas.id, rectifications.villageId)).where(eq(rectifications.id, id)).get();
  if (!row || !pathWithin(ctx.actor, row.path)) throw new NotFound('整改记录不存在');
  if (row.r.proposedBy === ctx.actor.userId) throw new Forbidden('不能审核自己登记的整改', 'own_proposal');
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const changed = tx
      .update(rectifications)
      .set({ status: decision, reviewedBy: ctx.actor.userId, reviewedAt: at, rejectReason: reason })
      .where(and(eq(rectifications.id, id), eq(rectifications.status, 'pending')))
      .run().changes;
    if (changed !== 1) throw new Conflict('invalid_status', '该整改已处理');
    const result = { id, ledgerEntryId: row.r.ledgerEntryId, householdId: row.r.householdId, status: decision, reviewedAt: at };
    writeAudit(tx, ctx, {
      entity: 'rectification',
      entityId: id,
      action: decision === 'approved' ? 'rectification.approve' : 'rectification.reject',
      areaId: row.r.villageId,
      before: { status: row.r.status },
      after: { ...result, reason },
    });
    return result;
  });
}

/** Approving takes the deduction off the black list from the next board computed on. */
export function approveRectification(ctx: Ctx, id: number) {
  return decide(ctx, id, 'approved', null);
}

export function rejectRectification(ctx: Ctx, id: number, reason: string) {
  return decide(ctx, id, 'rejected', reason);
}
