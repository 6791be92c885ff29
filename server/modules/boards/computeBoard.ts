import { chainHeadOf } from '../../../db/ledger';
import type { Db } from '../../../db/client';
import { Unprocessable } from '../../lib/errors';
import { loadArea, type BoardArea, type LoadedArea } from './boardArea';
import { compareVillages, type VillageItem } from './compareVillages';
import { computeBlackList, type BlackItem } from './computeBlackList';
import { computeRankings, type RankItem } from './computeRankings';
import { computeRedList, type RedItem } from './computeRedList';
import { computeStars, starDimensions, type StarItem } from './computeStars';
import type { BoardKind, BoardSpec } from './schemas';
import { boardHash, canonicalJson } from './snapshot';

interface BoardBase<K extends BoardKind, P, I> {
  kind: K;
  area: BoardArea;
  period: string;
  params: P;
  /** The ledger chain head the board was computed from. */
  chainHead: { lastEntryId: number; hash: string };
  items: I[];
}
export type RedBoard = BoardBase<'red', Extract<BoardSpec, { kind: 'red' }>['params'], RedItem>;
export type BlackBoard = BoardBase<'black', Extract<BoardSpec, { kind: 'black' }>['params'], BlackItem>;
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

/**
 * Computes a board from the ledger (and the per-period totals the ledger keeps) for an area and
 * period. Synchronous from first read to chain head, so no write can slip in between.
 */
export function computeBoard(db: Db, spec: BoardSpec, loaded: LoadedArea = loadArea(db, spec.areaId)): ComputedBoard {
  assertAreaFits(spec.kind, loaded);
  const chainHead = chainHeadOf(db);
  const base = { area: loaded.area, period: spec.period, chainHead: { lastEntryId: chainHead.lastEntryId, hash: chainHead.hash } };
  let board: Board;
  switch (spec.kind) {
    case 'red':
      board = { ...base, kind: 'red', params: spec.params, items: computeRedList(db, loaded, spec.period, spec.params) };
      break;
    case 'black':
      board = { ...base, kind: 'black', params: spec.params, items: computeBlackList(db, loaded, spec.period) };
      break;
    case 'stars':
      board = {
        ...base,
        kind: 'stars',
        params: spec.params,
        thresholds: loaded.settings.starThresholds,
        dimensions: starDimensions.map((d) => ({ label: d.label, category: d.category })),
        items: computeStars(db, loaded, spec.period, spec.params),
      };
      break;
    case 'leaderboard':
      board = { ...base, kind: 'leaderboard', params: spec.params, items: computeRankings(db, loaded, spec.period, spec.params) };
      break;
    case 'villages':
      board = { ...base, kind: 'villages', params: spec.params, items: compareVillages(db, loaded, spec.period) };
      break;
  }
  const snapshot = canonicalJson(board);
  return { board, snapshot, hash: boardHash(snapshot, chainHead.hash) };
}
