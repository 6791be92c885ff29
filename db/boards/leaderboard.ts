import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { withPseudonyms } from '../ledger/pseudonym';
import type { RuleCategory } from '../schema/rules';
import { sqlOf, type Sql } from '../sql';
import { periodRange } from '../time';

export type BoardScope = 'village' | 'township' | 'county';

export interface BoardRow {
  householdId: number;
  pseudonym: string;
  score: number;
  headName: string;
  doorNo: string | null;
  initials: string;
  village: string;
}

/** A row as read: the household's secret seed, which only `withPseudonyms` turns into the period's pseudonym. */
type SeededRow = Omit<BoardRow, 'pseudonym'> & { seed: string | null };

const marks = (ids: readonly unknown[]) => ids.map(() => '?').join(', ');
const scopes: Record<BoardScope, string> = { village: 'village_id', township: 'township_id', county: 'county_id' };
const perScope = <S>(make: (column: string) => S): Record<BoardScope, S> => ({ village: make(scopes.village), township: make(scopes.township), county: make(scopes.county) });

// Hot read paths (public boards, ranks): fixed texts (compiled once per connection by sqlOf), ordered by the
// (area, period, score) indexes. The order (score, then name initials, then id) is the one leaderboard order;
// ranks are computed from it.
const SELECT = `SELECT s.household_id AS "householdId", h.pseudonym_seed AS seed, s.score AS score, h.head_name AS "headName", h.door_no AS "doorNo",
       h.name_initials AS initials, v.name AS village
  FROM household_period_scores s
  JOIN households h ON h.id = s.household_id
  JOIN areas v ON v.id = s.village_id`;
const ORDER = 'ORDER BY s.score DESC, h.name_initials ASC, h.id ASC';
const BOARD = perScope((c) => `${SELECT} WHERE s.${c} = ? AND s.period = ? ${ORDER} LIMIT ? OFFSET ?`);
// No row limit, only an offset: SQLite spells it LIMIT -1, PostgreSQL LIMIT ALL.
const DOWN_TO = { sqlite: perScope((c) => `${SELECT} WHERE s.${c} = ? AND s.period = ? AND s.score >= ? ${ORDER} LIMIT -1 OFFSET ?`), pg: perScope((c) => `${SELECT} WHERE s.${c} = ? AND s.period = ? AND s.score >= ? ${ORDER} LIMIT ALL OFFSET ?`) };
const TOTAL = perScope((c) => `SELECT COUNT(*) AS n FROM household_period_scores WHERE ${c} = ? AND period = ?`);
const ABOVE = perScope((c) => `SELECT COUNT(*) AS n FROM household_period_scores WHERE ${c} = ? AND period = ? AND score > ?`);

async function count(q: Sql, text: string, params: Array<string | number>): Promise<number> {
  // COUNT(*) always answers one row.
  return (await q.get<{ n: number }>(text, params))!.n;
}

/** One page of an area's conduct-score board, in leaderboard order. */
export async function boardRows(db: Db, scope: BoardScope, areaId: number, period: string, limit: number, offset = 0): Promise<BoardRow[]> {
  return withPseudonyms(await sqlOf(db).all<SeededRow>(BOARD[scope], [areaId, period, limit, offset]), period);
}

/** From `offset` on, every row scoring at least `minScore`: a page carried on through the tie at its end. */
export async function boardRowsDownTo(db: Db, scope: BoardScope, areaId: number, period: string, minScore: number, offset = 0): Promise<BoardRow[]> {
  const q = sqlOf(db);
  return withPseudonyms(await q.all<SeededRow>(DOWN_TO[q.engine][scope], [areaId, period, minScore, offset]), period);
}

/** How many households a board has, and how many score above a given score (for the rank of a page's first row). */
export async function boardCounts(db: Db, scope: BoardScope, areaId: number, period: string, score: number | null): Promise<{ total: number; above: number }> {
  const q = sqlOf(db);
  return { total: await count(q, TOTAL[scope], [areaId, period]), above: score === null ? 0 : await count(q, ABOVE[scope], [areaId, period, score]) };
}

export async function householdVillagePath(db: Db, householdId: number): Promise<string | null> {
  const row = await sqlOf(db).get<{ villagePath: string }>('SELECT a.path AS "villagePath" FROM households h JOIN areas a ON a.id = h.village_id WHERE h.id = ?', [householdId]);
  return row?.villagePath ?? null;
}

/** A household's conduct score in a period and its rank in its township (ties share a rank), by index counts. */
export async function townshipRank(db: Db, householdId: number, townshipId: number, period: string): Promise<{ score: number | null; rank: number | null; ranked: number }> {
  const q = sqlOf(db);
  const ranked = await count(q, TOTAL.township, [townshipId, period]);
  const row = await q.get<{ score: number }>('SELECT score FROM household_period_scores WHERE household_id = ? AND period = ?', [householdId, period]);
  if (!row) return { score: null, rank: null, ranked };
  return { score: row.score, rank: (await count(q, ABOVE.township, [townshipId, period, row.score])) + 1, ranked };
}

/**
 * Net conduct points of one rule category per household over the given villages and period (the
 * ledger over its village/day index); households whose category points net to zero are left out.
 */
export async function categoryPoints(db: Db, villageIds: readonly number[], period: string, category: RuleCategory): Promise<Array<{ householdId: number; points: number }>> {
  const { from, to } = periodRange(period);
  const q = sqlOf(db);
  return selectInChunks(villageIds, async (part) =>
    (
      await q.all<{ householdId: number; points: number }>(
        `SELECT household_id AS "householdId", SUM(conduct_points) AS points
           FROM ledger_entries
          WHERE village_id IN (${marks(part)}) AND occurred_on BETWEEN ? AND ? AND category = ? AND conduct_points <> 0
          GROUP BY household_id`,
        [...part, from, to, category],
      )
    )
      .map((r) => ({ householdId: r.householdId, points: Number(r.points) }))
      .filter((r) => r.points !== 0),
  );
}

/** Names, door numbers, pinyin initials, village names and pseudonyms of the period's year of households (for ranking and masking). */
export async function householdsForBoard(db: Db, ids: readonly number[], period: string): Promise<Array<Omit<BoardRow, 'score'>>> {
  const q = sqlOf(db);
  const rows = await selectInChunks(ids, async (part) =>
    q.all<Omit<SeededRow, 'score'>>(
      `SELECT h.id AS "householdId", h.pseudonym_seed AS seed, h.head_name AS "headName", h.door_no AS "doorNo", h.name_initials AS initials, a.name AS village
         FROM households h JOIN areas a ON a.id = h.village_id
        WHERE h.id IN (${marks(part)})
        ORDER BY h.id`,
      part,
    ),
  );
  return withPseudonyms(rows, period);
}
