import { villagesUnder } from '../../../db/boards/areas';
import { insertPublication, latestApprovedPublication, pendingPublicationId } from '../../../db/boards/publications';
import { readDb } from '../../../db/client';
import { lockVillageChain } from '../../../db/ledger';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict } from '../../lib/errors';
import { getAreaInScope } from '../../lib/scope';
import { catchUpFrontiers } from '../proofs/catchUpFrontiers';
import { countyIdOfPath, writeCheckpoint } from '../proofs/writeCheckpoint';
import { loadArea } from './boardArea';
import { computeBoard } from './computeBoard';
import { publicationFacts } from './publicationView';
import type { BoardSpec } from './schemas';
import { canonicalJson } from './snapshot';

/**
 * Proposes a board for publication: it is computed now and frozen as the snapshot a reviewer will
 * approve, so what is reviewed is exactly what gets published. The chains of the area's villages are
 * locked first (in id order), so the snapshot and the chain heads it names are one consistent state.
 */
export async function proposePublication(ctx: Ctx, spec: BoardSpec) {
  const area = await getAreaInScope(readDb(ctx.db), ctx.actor, spec.areaId);
  // The board's checkpoint then hashes only what arrives meanwhile, inside the transaction.
  await catchUpFrontiers(ctx, `/${countyIdOfPath(area.path)}/`);
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    const loaded = await loadArea(tx, spec.areaId);
    const key = { kind: spec.kind, areaId: spec.areaId, period: spec.period };
    const pending = await pendingPublicationId(tx, key);
    if (pending != null) throw new Conflict('publication_pending', `该榜单已有待审核的发布申请（编号 ${pending}）`);
    for (const v of await villagesUnder(tx, loaded.row.path)) await lockVillageChain(tx, v.id);
    const computed = await computeBoard(tx, spec, loaded);
    const latest = await latestApprovedPublication(tx, key);
    if (latest?.hash === computed.hash) throw new Conflict('board_unchanged', `榜单与已发布的第 ${latest.version} 版完全相同，无需重新发布`);
    // Signed in the same transaction, so its tree sizes are exactly the ledger the board was computed from.
    const checkpoint = await writeCheckpoint(tx, ctx, countyIdOfPath(loaded.row.path), 'board');
    const row = await insertPublication(tx, {
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
      checkpointId: checkpoint.id,
    });
    const facts = publicationFacts(row);
    await writeAudit(tx, ctx, { entity: 'board_publication', entityId: row.id, action: 'board_publication.propose', areaId: spec.areaId, after: { ...facts, params: spec.params } });
    return { ...facts, board: computed.board };
  });
}
