import { awardById, returnAwardToReview } from '../../../db/awards/awards';
import { hasOpenObjection, objectionWithAward, resolveOpenObjection, upholdOpenObjections } from '../../../db/awards/objections';
import { readDb } from '../../../db/client';
import { lockVillageChain } from '../../../db/ledger';
import { transaction } from '../../../db/transaction';
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
export async function resolveObjection(ctx: Ctx, objectionId: number, body: ResolveObjectionBody) {
  const row = await objectionWithAward(readDb(ctx.db), objectionId);
  if (!row || !pathWithin(ctx.actor, row.villagePath)) throw new NotFound('异议不存在');
  // Judging an objection to one's own proposal, or one's own objection, would make one person both sides.
  if (row.award.proposedBy === ctx.actor.userId) throw new Forbidden('不能处理针对自己提交的申报的异议', 'own_proposal');
  if (row.objection.userId === ctx.actor.userId) throw new Forbidden('不能处理自己提出的异议', 'own_objection');
  const at = ctx.now.getTime();
  const awardId = row.award.id;
  return transaction(ctx.db, async (tx) => {
    await lockVillageChain(tx, row.award.villageId);
    if (!(await resolveOpenObjection(tx, objectionId, body.decision, body.resolution, ctx.actor.userId, at))) throw new Conflict('invalid_status', '该异议已处理');
    // The award as it is now, under the lock: it may have been posted or sent back since it was read above.
    const award = (await awardById(tx, awardId))!;
    let awardStatus = award.status;
    if (body.decision === 'upheld' && award.status === 'notice') {
      await returnAwardToReview(tx, awardId);
      await upholdOpenObjections(tx, awardId, body.resolution, ctx.actor.userId, at);
      awardStatus = 'pending';
    } else if (body.decision === 'dismissed' && award.status === 'notice' && award.noticeEndsAt != null && award.noticeEndsAt <= at) {
      if (!(await hasOpenObjection(tx, awardId))) {
        await postAward(tx, award, at, ctx.actor.userId);
        awardStatus = 'posted';
      }
    }
    await writeAudit(tx, ctx, {
      entity: 'objection',
      entityId: objectionId,
      action: 'objection.resolve',
      areaId: award.villageId,
      before: { status: 'open', awardStatus: award.status },
      after: { status: body.decision, resolution: body.resolution, awardStatus },
    });
    return { id: objectionId, status: body.decision, awardId, awardStatus };
  });
}
