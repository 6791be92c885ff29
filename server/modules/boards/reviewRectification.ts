import { decidePendingRectification, rectificationWithPath } from '../../../db/boards/rectifications';
import { readDb } from '../../../db/client';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';

async function decide(ctx: Ctx, id: number, decision: 'approved' | 'rejected', reason: string | null) {
  const found = await rectificationWithPath(readDb(ctx.db), id);
  if (!found || !pathWithin(ctx.actor, found.path)) throw new NotFound('整改记录不存在');
  const r = found.rectification;
  if (r.proposedBy === ctx.actor.userId) throw new Forbidden('不能审核自己登记的整改', 'own_proposal');
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    if (!(await decidePendingRectification(tx, id, { status: decision, reviewedBy: ctx.actor.userId, reviewedAt: at, rejectReason: reason }))) {
      throw new Conflict('invalid_status', '该整改已处理');
    }
    const result = { id, ledgerEntryId: r.ledgerEntryId, householdId: r.householdId, status: decision, reviewedAt: at };
    await writeAudit(tx, ctx, {
      entity: 'rectification',
      entityId: id,
      action: decision === 'approved' ? 'rectification.approve' : 'rectification.reject',
      areaId: r.villageId,
      before: { status: r.status },
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
