import type { Db } from '../../../db/client';
import { Unprocessable } from '../../lib/errors';
import { loadArea, type BoardArea, type LoadedArea } from './boardArea';
import { areaChainHead, type BoardChainHead } from './chainHead';
import { compareVillages, type VillageItem } from './compareVillages';
import { computeBlackList, type BlackItem, type BlackListBasis } from './computeBlackList';
import { computeRankings, type RankItem } from './computeRankings';
import { computeRedList, type RedItem } from './computeRedList';
import { computeStars, starDimensionsOf, type StarItem } from './computeStars';
import type { BoardKind, BoardSpec } from './schemas';
import { boardHash, canonicalJson } from './snapshot';

interface BoardBase<K extends BoardKind, P, I> {
  kind: K;
  area: BoardArea;
  period: string;
  params: P;
  /** The ledger chain head(s) the board was computed from. */
  chainHead: BoardChainHead;
  items: I[];
}
export type RedBoard = BoardBase<'red', Extract<BoardSpec, { kind: 'red' }>['params'], RedItem>;
export type BlackBoard = BoardBase<'black', Extract<BoardSpec, { kind: 'black' }>['params'], BlackItem> & BlackListBasis;
export type StarBoard = BoardBase<'stars', Extract<BoardSpec, { kind: 'stars' }>['params'], StarItem> & {
  thresholds: number[];
  dimensions: Array<{ label: string; category: string }>;
};
export type RankBoard = BoardBase<'leaderboard', Extract<BoardSpec, { kind: 'leaderboard' }>['params'], RankItem>;
export type VillageBoard = BoardBase<'villages', Extract<BoardSpec, { kind: 'villages' }>['params'], VillageItem>;
export type Board = RedBoard | BlackBoard | StarBoard | RankBoard | VillageBoard;

export interface ComputedBoard {
  board: Board;
  /** Canonical JSON of `board`: exactly what is published. */
  snapshot: string;
  hash: string;
}

const allowedAreas: Record<BoardKind, ReadonlyArray<string>> = {
  red: ['village'],
  black: ['village'],
  stars: ['village'],
  leaderboard: ['village', 'township', 'county'],
  villages: ['township', 'county'],
};

const areaWords: Record<string, string> = { village: '村', township: '乡镇', county: '县' };

export function assertAreaFits(kind: BoardKind, loaded: LoadedArea): void {
  const allowed = allowedAreas[kind];
  if (!allowed.includes(loaded.row.kind)) {
    throw new Unprocessable('wrong_area_kind', `该榜单只能按${allowed.map((k) => areaWords[k]).join('、')}生成`);
  }
}

// A live board whose chain head moved while it was read is read again, at most this many times.
const READS = 4;

/**
 * Computes a board from the ledger (and the per-period totals the ledger keeps) for an area and
 * period, pinned to the chain heads of the area's villages. Inside a transaction that locked those
 * chains the heads cannot move; outside one (live boards, previews) a write may land between the
 * reads, so the heads are read before and after and the board is read again if they moved.
 */
export async function computeBoard(db: Db, spec: BoardSpec, given?: LoadedArea): Promise<ComputedBoard> {
  const loaded = given ?? (await loadArea(db, spec.areaId));
  assertAreaFits(spec.kind, loaded);
  for (let read = 1; ; read++) {
    const chainHead = await areaChainHead(db, loaded.row);
    const computed = await computeOnce(db, spec, loaded, chainHead);
    const after = await areaChainHead(db, loaded.row);
    if (after.hash === chainHead.hash || read === READS) return computed;
  }
}

async function computeOnce(db: Db, spec: BoardSpec, loaded: LoadedArea, chainHead: BoardChainHead): Promise<ComputedBoard> {
  const base = { area: loaded.area, period: spec.period, chainHead };
  let board: Board;
  switch (spec.kind) {
    case 'red':
      board = { ...base, kind: 'red', params: spec.params, items: await computeRedList(db, loaded, spec.period, spec.params) };
      break;
    case 'black':
      board = { ...base, kind: 'black', params: spec.params, ...(await computeBlackList(db, loaded, spec.period)) };
      break;
    case 'stars':
      board = {
        ...base,
        kind: 'stars',
        params: spec.params,
        thresholds: loaded.settings.starThresholds,
        // One entry per dimension; `category` lists its headings' codes, comma-separated.
        dimensions: (await starDimensionsOf(db, loaded.row)).map((d) => ({ label: d.label, category: d.categories.join(',') })),
        items: await computeStars(db, loaded, spec.period, spec.params),
      };
      break;
    case 'leaderboard':
      board = { ...base, kind: 'leaderboard', params: spec.params, items: await computeRankings(db, loaded, spec.period, spec.params) };
      break;
    case 'villages':
      board = { ...base, kind: 'villages', params: spec.params, items: await compareVillages(db, loaded, spec.period) };
      break;
  }
  const snapshot = canonicalJson(board);
  return { board, snapshot, hash: boardHash(snapshot, chainHead.hash) };
}
