import { and, desc, eq } from 'drizzle-orm';
import { boardPublications } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict } from '../../lib/errors';
import { getAreaInScopeSync } from '../../lib/scope';
import { loadArea } from './boardArea';
import { computeBoard } from './computeBoard';
import { publicationFacts } from './publicationView';
import type { BoardSpec } from './schemas';
import { canonicalJson } from './snapshot';

/**
 * Proposes a board for publication: it is computed now and frozen as the snapshot a reviewer will
 * approve, so what is reviewed is exactly what gets published.
 */
export function proposePublication(ctx: Ctx, spec: BoardSpec) {
  getAreaInScopeSync(ctx, spec.areaId);
  const loaded = loadArea(ctx.db, spec.areaId);
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const same = and(eq(boardPublications.kind, spec.kind), eq(boardPublications.areaId, spec.areaId), eq(boardPublications.period, spec.period));
    const pending = tx.select({ id: boardPublications.id }).from(boardPublications).where(and(same, eq(boardPublications.status, 'pending'))).get();
    if (pending) throw new Conflict('publication_pending', `该榜单已有待审核的发布申请（编号 ${pending.id}）`);
    const computed = computeBoard(ctx.db, spec, loaded);
    const latest = tx
      .select({ hash: boardPublications.hash, version: boardPublications.version })
      .from(boardPublications)
      .where(and(same, eq(boardPublications.status, 'approved')))
      .orderBy(desc(boardPublications.version))
      .get();
    if (latest?.hash === computed.hash) throw new Conflict('board_unchanged', `榜单与已发布的第 ${latest.version} 版完全相同，无需重新发布`);
    const row = tx
      .insert(boardPublications)
      .values({
        kind: spec.kind,
        areaId: spec.areaId,
        period: spec.period,
        params: canonicalJson(spec.params),
        snapshot: computed.snapshot,
        hash: computed.hash,
        chainEntryId: computed.board.chainHead.lastEntryId,
        chainHash: computed.board.chainHead.hash,
        proposedBy: ctx.actor.userId,
        proposedAt: at,
      })
      .returning()
      .get();
    const facts = publicationFacts(row);
    writeAudit(tx, ctx, { entity: 'board_publication', entityId: row.id, action: 'board_publication.propose', areaId: spec.areaId, after: { ...facts, params: spec.params } });
    return { ...facts, board: computed.board };
  });
}
