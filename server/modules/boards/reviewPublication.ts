import { decidePendingPublication, nextPublicationVersion, publicationById } from '../../../db/boards/publications';
import { readDb } from '../../../db/client';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden } from '../../lib/errors';
import { loadPublication } from './loadPublication';
import { publicationFacts } from './publicationView';

async function decide(ctx: Ctx, id: number, decision: 'approved' | 'rejected', reason: string | null) {
  const p = await loadPublication(readDb(ctx.db), ctx.actor, id);
  if (p.proposedBy === ctx.actor.userId) throw new Forbidden('不能审核自己提交的发布申请', 'own_proposal');
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    const version = decision === 'approved' ? await nextPublicationVersion(tx, p) : null;
    // The status guard makes two reviewers racing end with exactly one decision.
    const decided = await decidePendingPublication(tx, id, { status: decision, version, reviewedBy: ctx.actor.userId, reviewedAt: at, rejectReason: reason });
    if (!decided) throw new Conflict('invalid_status', '该发布申请已处理');
    const facts = publicationFacts((await publicationById(tx, id))!);
    await writeAudit(tx, ctx, {
      entity: 'board_publication',
      entityId: id,
      action: decision === 'approved' ? 'board_publication.approve' : 'board_publication.reject',
      areaId: p.areaId,
      before: { status: p.status },
      after: { ...facts, reason },
    });
    return facts;
  });
}

/** Publishes a proposed board as the next version of its (kind, area, period); a reviewer other than the proposer. */
export function approvePublication(ctx: Ctx, id: number) {
  return decide(ctx, id, 'approved', null);
}

export function rejectPublication(ctx: Ctx, id: number, reason: string) {
  return decide(ctx, id, 'rejected', reason);
}
