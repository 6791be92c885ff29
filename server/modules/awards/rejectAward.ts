import { readDb } from '../../../db/client';
import { rejectPendingAward } from '../../../db/awards/awards';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden } from '../../lib/errors';
import { loadAward } from './loadAward';

export async function rejectAward(ctx: Ctx, awardId: number, reason: string) {
  const award = await loadAward(readDb(ctx.db), ctx.actor, awardId);
  if (award.proposedBy === ctx.actor.userId) throw new Forbidden('不能审核自己提交的申报', 'own_proposal');
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    // The status guard in the update is the check: approve/reject races end with one outcome.
    if (!(await rejectPendingAward(tx, awardId, ctx.actor.userId, at, reason))) throw new Conflict('invalid_status', '该申报已处理，不能驳回');
    await writeAudit(tx, ctx, { entity: 'award', entityId: awardId, action: 'award.reject', areaId: award.villageId, before: { status: 'pending' }, after: { status: 'rejected', reason } });
    return { id: awardId, status: 'rejected' as const, reason };
  });
}
