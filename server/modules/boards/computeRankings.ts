import { villagesUnder } from '../../../db/boards/areas';
import { boardCounts, boardRows, boardRowsDownTo, categoryPoints, householdsForBoard, type BoardRow } from '../../../db/boards/leaderboard';
import type { Db } from '../../../db/client';
import { publicName } from '../public/publicName';
import type { LoadedArea } from './boardArea';
import { byInitials } from './ranking';
import type { RankParams } from './schemas';

export interface RankItem {
  rank: number;
  householdId: number;
  /** The household's public pseudonym (see the public ledger). */
  pseudonym: string;
  name: string;
  village: string;
  points: number;
}

export interface RankPage {
  /** Best first; ties share a rank (1, 1, 3) and are in pinyin order, then by household id. */
  items: RankItem[];
  /** How many households the whole board ranks. */
  total: number;
}

export interface RankOptions {
  /** Net conduct points of this rule category alone instead of the conduct score. */
  category?: RankParams['category'];
  limit: number;
  offset: number;
  /** Carry the page on past `limit` while the tie at its end lasts, so a cut never splits a rank. */
  throughTies: boolean;
}

/**
 * The one leaderboard: households of a village, township or county ranked by conduct score in a
 * period (the per-period totals the ledger keeps, read in index order), or by one category's net
 * points (summed from the ledger). A page that starts inside a tie continues that tie's rank:
 * rank = 1 + households scoring higher.
 */
export async function rankHouseholds(db: Db, { row, settings }: LoadedArea, period: string, o: RankOptions): Promise<RankPage> {
  let rows: BoardRow[];
  let total: number;
  let above: number;
  if (!o.category) {
    const scope = row.kind === 'village' ? 'village' : row.kind === 'township' ? 'township' : 'county';
    rows = await boardRows(db, scope, row.id, period, o.limit, o.offset);
    if (o.throughTies && rows.length === o.limit) rows = await boardRowsDownTo(db, scope, row.id, period, rows[rows.length - 1].score, o.offset);
    const counts = await boardCounts(db, scope, row.id, period, rows[0]?.score ?? null);
    total = counts.total;
    above = counts.above;
  } else {
    const villageIds = (await villagesUnder(db, row.path)).map((v) => v.id);
    const sums = (await categoryPoints(db, villageIds, period, o.category)).sort((a, b) => b.points - a.points);
    total = sums.length;
    // Names are read only down to the tie at the page's end: the order within a tie needs them.
    const end = sums[Math.min(o.offset + o.limit, sums.length) - 1];
    const reach = end ? sums.filter((s) => s.points >= end.points) : [];
    const people = new Map((await householdsForBoard(db, reach.map((s) => s.householdId), period)).map((p) => [p.householdId, p]));
    const ordered = reach.map((s) => ({ ...people.get(s.householdId)!, score: s.points })).sort((a, b) => b.score - a.score || byInitials(a, b));
    rows = ordered.slice(o.offset, o.throughTies ? undefined : o.offset + o.limit);
    above = rows.length ? sums.filter((s) => s.points > rows[0].score).length : 0;
  }
  let rank = above + 1;
  let previous = rows[0]?.score ?? null;
  const items = rows.map((r, i) => {
    if (r.score !== previous) {
      rank = o.offset + i + 1;
      previous = r.score;
    }
    return { rank, householdId: r.householdId, pseudonym: r.pseudonym, name: publicName(settings.maskMode, r.headName, r.doorNo), village: r.village, points: r.score };
  });
  return { items, total };
}

/** The leaderboard of a board (red/black/stars' sibling): the first `limit` places, ties at the cut all kept. */
export async function computeRankings(db: Db, loaded: LoadedArea, period: string, params: RankParams): Promise<RankItem[]> {
  return (await rankHouseholds(db, loaded, period, { category: params.category, limit: params.limit, offset: 0, throughTies: true })).items;
}
