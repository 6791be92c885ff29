import { and, eq } from 'drizzle-orm';
import { areas, awards, objections } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { postAward } from './postAward';
import type { ResolveObjectionBody } from './schemas';

/**
 * Upheld: the award goes back to pending for a new review (and its other open objections close with it).
 * Dismissed: the notice continues; if it has already ended and nothing else is open, the award posts now.
 */
export function resolveObjection(ctx: Ctx, objectionId: number, body: ResolveObjectionBody) {
  const row = ctx.db
    .select({ objection: objections, award: awards, villagePath: areas.path })
    .from(objections)
    .innerJoin(awards, eq(awards.id, objections.awardId))
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .where(eq(objections.id, objectionId))
    .get();
  if (!row || !pathWithin(ctx.actor, row.villagePath)) throw new NotFound('异议不存在');
  // Judging an objection to one's own proposal, or one's own objection, would make one person both sides.
  if (row.award.proposedBy === ctx.actor.userId) throw new Forbidden('不能处理针对自己提交的申报的异议', 'own_proposal');
  if (row.objection.userId === ctx.actor.userId) throw new Forbidden('不能处理自己提出的异议', 'own_objection');
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const changed = tx
      .update(objections)
      .set({ status: body.decision, resolution: body.resolution, resolvedBy: ctx.actor.userId, resolvedAt: at })
      .where(and(eq(objections.id, objectionId), eq(objections.status, 'open')))
      .run().changes;
    if (changed !== 1) throw new Conflict('invalid_status', '该异议已处理');
    let awardStatus = row.award.status;
    if (body.decision === 'upheld' && row.award.status === 'notice') {
      tx.update(awards).set({ status: 'pending', noticeEndsAt: null, reviewedBy: null, reviewedAt: null }).where(eq(awards.id, row.award.id)).run();
      tx.update(objections)
        .set({ status: 'upheld', resolution: body.resolution, resolvedBy: ctx.actor.userId, resolvedAt: at })
        .where(and(eq(objections.awardId, row.award.id), eq(objections.status, 'open')))
        .run();
      awardStatus = 'pending';
    } else if (body.decision === 'dismissed' && row.award.status === 'notice' && row.award.noticeEndsAt != null && row.award.noticeEndsAt <= at) {
      const stillOpen = tx.select({ id: objections.id }).from(objections).where(and(eq(objections.awardId, row.award.id), eq(objections.status, 'open'))).get();
      if (!stillOpen) {
        postAward(ctx.db, row.award, at, ctx.actor.userId);
        awardStatus = 'posted';
      }
    }
    writeAudit(tx, ctx, {
      entity: 'objection',
      entityId: objectionId,
      action: 'objection.resolve',
      areaId: row.award.villageId,
      before: { status: 'open', awardStatus: row.award.status },
      after: { status: body.decision, resolution: body.resolution, awardStatus },
    });
    return { id: objectionId, status: body.decision, awardId: row.award.id, awardStatus };
  });
}
