import type { PublicationRow } from '../../../db/boards/publications';
import type { Board } from './computeBoard';

export type { PublicationRow };

/** The publication facts shown beside a board (never who proposed or reviewed it on public pages). */
export function publicationFacts(p: PublicationRow) {
  return {
    id: p.id,
    kind: p.kind,
    areaId: p.areaId,
    period: p.period,
    status: p.status,
    version: p.version,
    hash: p.hash,
    chainHash: p.chainHash,
    chainEntryId: p.chainEntryId,
    checkpointId: p.checkpointId ?? null,
    proposedAt: p.proposedAt,
    publishedAt: p.status === 'approved' ? p.reviewedAt : null,
  };
}

export type PublicationFacts = ReturnType<typeof publicationFacts>;

export function boardOf(p: PublicationRow): Board {
  return JSON.parse(p.snapshot) as Board;
}
