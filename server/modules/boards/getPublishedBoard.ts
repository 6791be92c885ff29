import { and, desc, eq } from 'drizzle-orm';
import { boardPublications, ledgerEntries } from '../../../db/schema';
import type { PublicCtx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { loadArea } from './boardArea';
import { assertAreaFits } from './computeBoard';
import { boardOf, publicationFacts, type PublicationRow } from './publicationView';
import type { BoardKind } from './schemas';
import { boardHash } from './snapshot';

/**
 * Anyone can check a published board: its hash recomputed from the stored snapshot, and the chain
 * head it names still present in the ledger (entry `chainEntryId` carries that hash).
 */
export function verifyPublication(ctx: PublicCtx, p: PublicationRow) {
  const entry = p.chainEntryId ? ctx.db.select({ hash: ledgerEntries.hash }).from(ledgerEntries).where(eq(ledgerEntries.id, p.chainEntryId)).get() : null;
  return {
    hashMatches: boardHash(p.snapshot, p.chainHash) === p.hash,
    chainHeadInLedger: p.chainEntryId === 0 ? true : entry?.hash === p.chainHash,
  };
}

/** The latest published version of a board, the list of its versions, and the check above; `board` is null before the first. */
export function getPublishedBoard(ctx: PublicCtx, kind: BoardKind, areaId: number, period: string) {
  const loaded = loadArea(ctx.db, areaId);
  assertAreaFits(kind, loaded);
  const rows = ctx.db
    .select()
    .from(boardPublications)
    .where(and(eq(boardPublications.kind, kind), eq(boardPublications.areaId, areaId), eq(boardPublications.period, period), eq(boardPublications.status, 'approved')))
    .orderBy(desc(boardPublications.version))
    .all();
  const latest = rows[0];
  return {
    area: loaded.area,
    kind,
    period,
    publication: latest ? publicationFacts(latest) : null,
    verification: latest ? verifyPublication(ctx, latest) : null,
    versions: rows.map((r) => ({ id: r.id, version: r.version, publishedAt: r.reviewedAt, hash: r.hash })),
    board: latest ? boardOf(latest) : null,
  };
}

/** One published version by id (older versions stay readable forever). */
export function getPublicPublication(ctx: PublicCtx, id: number) {
  const p = ctx.db.select().from(boardPublications).where(and(eq(boardPublications.id, id), eq(boardPublications.status, 'approved'))).get();
  if (!p) throw new NotFound('榜单不存在或尚未发布');
  return { area: loadArea(ctx.db, p.areaId).area, publication: publicationFacts(p), verification: verifyPublication(ctx, p), board: boardOf(p) };
}
