import { createHash } from 'node:crypto';
import { chainHeadsUnder, type ChainPart } from '../../../db/boards/chainHeads';
import type { Db } from '../../../db/client';
import type { BoardArea } from './boardArea';

export type { ChainPart };

/**
 * The ledger a board was computed from. The ledger is one hash chain per village, so a board names
 * the heads of the chains of its area:
 * - a village board: that village's head (`hash` is the hash of its entry `lastEntryId`, i.e. seq);
 * - a township or county board: every village chain under it that holds entries, and `hash` is
 *   `areaHeadsHash(chains)`; `lastEntryId` is then the number of entries in them together.
 * Boards published before per-village chains carry no `chains`: there `lastEntryId` is the global id
 * of the newest ledger entry and `hash` that entry's hash.
 */
export interface BoardChainHead {
  lastEntryId: number;
  hash: string;
  chains?: ChainPart[];
}

const EMPTY_CHAIN = '0'.repeat(64);
const AREA_HEADS_TAG = 'jifen-area-heads/1';

/** SHA-256 (hex) of the JSON list [tag, [villageId, lastSeq, headHash] …] in village id order: anyone can recompute it. */
export function areaHeadsHash(chains: readonly ChainPart[]): string {
  const sorted = [...chains].sort((a, b) => a.villageId - b.villageId);
  return createHash('sha256')
    .update(JSON.stringify([AREA_HEADS_TAG, ...sorted.map((c) => [c.villageId, c.lastSeq, c.headHash])]))
    .digest('hex');
}

/** The head a board of `area` names when its chains are `chains` (see BoardChainHead). */
export function headOf(kind: BoardArea['kind'], chains: ChainPart[]): BoardChainHead {
  if (kind === 'village') {
    const own = chains[0];
    return { lastEntryId: own?.lastSeq ?? 0, hash: own?.headHash ?? EMPTY_CHAIN, chains };
  }
  return { lastEntryId: chains.reduce((n, c) => n + c.lastSeq, 0), hash: areaHeadsHash(chains), chains };
}

/** The current head of the ledger under an area (village, township or county). */
export async function areaChainHead(db: Db, area: { kind: BoardArea['kind']; path: string }): Promise<BoardChainHead> {
  return headOf(area.kind, await chainHeadsUnder(db, area.path));
}

/** How a poster footer names the head. */
export function chainHeadLabel(kind: BoardArea['kind'], head: BoardChainHead): string {
  if (!head.chains) return `#${head.lastEntryId} ${head.hash}`;
  if (kind === 'village') return `本村第 ${head.lastEntryId} 笔 ${head.hash}`;
  return `${head.chains.length} 个村账本共 ${head.lastEntryId} 笔，合并哈希 ${head.hash}`;
}
