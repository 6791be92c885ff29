import { replicaDb } from '../../../../db/client';
import type { PublicCtx } from '../../../lib/context';
import { headingNamer } from '../../rules/headings';
import { chainHeadLabel } from '../chainHead';
import type { Board } from '../computeBoard';
import type { PublicationFacts } from '../publicationView';
import { boardTable } from './boardPoster';
import { periodLabel, renderPoster, type Html } from './layout';
import { posterProof } from './posterProof';

/** A board as an A4 poster: published facts when it is a publication, otherwise marked as live data. */
export async function boardPoster(ctx: PublicCtx, board: Board, publication: PublicationFacts | null, onlineUrl: string, liveHash?: string): Promise<Html> {
  const codes = board.kind === 'red' ? board.params.categories : board.kind === 'leaderboard' && board.params.category ? [board.params.category] : [];
  const name = await headingNamer(replicaDb(ctx.db), codes);
  return renderPoster({
    ...boardTable(board, name),
    trail: board.area.trail,
    periodLabel: periodLabel(board.period),
    publishedAt: publication?.publishedAt ?? null,
    version: publication?.version ?? null,
    now: ctx.now.getTime(),
    onlineUrl,
    hash: publication?.hash ?? liveHash ?? '',
    chainHead: chainHeadLabel(board.area.kind, board.chainHead),
    proof: await posterProof(ctx, board.area.id, publication ? publication.checkpointId : undefined),
    // A publication's page has the 核验 button: the QR code says so.
    qrLabel: publication ? '扫码核验网上版本' : undefined,
  });
}
