import { chainEntryHash, ledgerEntryHashById } from '../../../db/boards/chainHeads';
import { approvedPublicationById, approvedPublications } from '../../../db/boards/publications';
import { replicaDb, type Db } from '../../../db/client';
import type { PublicCtx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { loadArea } from './boardArea';
import { headOf, type BoardChainHead } from './chainHead';
import { assertAreaFits } from './computeBoard';
import { boardOf, publicationFacts, type PublicationRow } from './publicationView';
import type { BoardKind } from './schemas';
import { boardHash } from './snapshot';

/**
 * Anyone can check a published board: its hash recomputed from the stored snapshot, and the chain
 * head(s) it names still in the ledger. A board names the head of each village chain it covers
 * (entry `lastSeq` of that chain carries `headHash`), and the head hash is derived from them; a
 * board published before per-village chains names one global entry (`chainEntryId` carries `chainHash`).
 */
export async function verifyPublication(db: Db, p: PublicationRow) {
  const hashMatches = boardHash(p.snapshot, p.chainHash) === p.hash;
  const board = boardOf(p);
  const head = board.chainHead as BoardChainHead | undefined;
  let chainHeadInLedger: boolean;
  if (!head?.chains) {
    chainHeadInLedger = p.chainEntryId === 0 ? true : (await ledgerEntryHashById(db, p.chainEntryId)) === p.chainHash;
  } else {
    const derived = headOf(board.area.kind, head.chains);
    chainHeadInLedger = derived.hash === p.chainHash && derived.lastEntryId === p.chainEntryId && head.hash === p.chainHash;
    for (const c of head.chains) {
      if (!chainHeadInLedger) break;
      chainHeadInLedger = (await chainEntryHash(db, c.villageId, c.lastSeq)) === c.headHash;
    }
  }
  return { hashMatches, chainHeadInLedger };
}

/** The latest published version of a board, the list of its versions, and the check above; `board` is null before the first. */
export async function getPublishedBoard(ctx: PublicCtx, kind: BoardKind, areaId: number, period: string) {
  const db = replicaDb(ctx.db);
  const loaded = await loadArea(db, areaId);
  assertAreaFits(kind, loaded);
  const rows = await approvedPublications(db, { kind, areaId, period });
  const latest = rows[0];
  return {
    area: loaded.area,
    kind,
    period,
    publication: latest ? publicationFacts(latest) : null,
    verification: latest ? await verifyPublication(db, latest) : null,
    versions: rows.map((r) => ({ id: r.id, version: r.version, publishedAt: r.reviewedAt, hash: r.hash })),
    board: latest ? boardOf(latest) : null,
  };
}

/** One published version by id (older versions stay readable forever). */
export async function getPublicPublication(ctx: PublicCtx, id: number) {
  const db = replicaDb(ctx.db);
  const p = await approvedPublicationById(db, id);
  if (!p) throw new NotFound('榜单不存在或尚未发布');
  return { area: (await loadArea(db, p.areaId)).area, publication: publicationFacts(p), verification: await verifyPublication(db, p), board: boardOf(p) };
}
