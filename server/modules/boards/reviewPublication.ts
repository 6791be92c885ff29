import { and, eq, max } from 'drizzle-orm';
import { boardPublications } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden } from '../../lib/errors';
import { loadPublication } from './loadPublication';
import { publicationFacts } from './publicationView';

function decide(ctx: Ctx, id: number, decision: 'approved' | 'rejected', reason: string | null) {
  const p = loadPublication(ctx, id);
  if (p.proposedBy === ctx.actor.userId) throw new Forbidden('不能审核自己提交的发布申请', 'own_proposal');
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    let version: number | null = null;
    if (decision === 'approved') {
      const last = tx
        .select({ v: max(boardPublications.version) })
        .from(boardPublications)
        .where(and(eq(boardPublications.kind, p.kind), eq(boardPublications.areaId, p.areaId), eq(boardPublications.period, p.period)))
        .get();
      version = (last?.v ?? 0) + 1;
    }
    // The status guard makes two reviewers racing end with exactly one decision.
    const changed = tx
      .update(boardPublications)
      .set({ status: decision, version, reviewedBy: ctx.actor.userId, reviewedAt: at, rejectReason: reason })
      .where(and(eq(boardPublications.id, id), eq(boardPublications.status, 'pending')))
      .run().changes;
    if (changed !== 1) throw new Conflict('invalid_status', '该发布申请已处理');
    const row = tx.select().from(boardPublications).where(eq(boardPublications.id, id)).get()!;
    const facts = publicationFacts(row);
    writeAudit(tx, ctx, {
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
