import type Database from 'better-sqlite3';
import { and, between, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { withPseudonyms } from '../ledger/pseudonym';
import { areas, households, ledgerEntries } from '../schema';
import type { RuleCategory } from '../schema/rules';
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

interface Statements {
  board: Record<BoardScope, Database.Statement<[number, string, number, number], SeededRow>>;
  downTo: Record<BoardScope, Database.Statement<[number, string, number, number], SeededRow>>;
  total: Record<BoardScope, Database.Statement<[number, string], { n: number }>>;
  aboveIn: Record<BoardScope, Database.Statement<[number, string, number], { n: number }>>;
  household: Database.Statement<[number], { id: number; villagePath: string }>;
  score: Database.Statement<[number, string], { score: number }>;
}

const cache = new WeakMap<Database.Database, Statements>();
const scopes: Record<BoardScope, string> = { village: 'village_id', township: 'township_id', county: 'county_id' };
const perScope = <S>(make: (column: string) => S): Record<BoardScope, S> => ({ village: make(scopes.village), township: make(scopes.township), county: make(scopes.county) });

// Hot read paths (public boards, ranks): raw prepared statements, ordered by the (area, period, score) indexes.
// The order (score, then name initials, then id) is the one leaderboard order; ranks are computed from it.
function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    const select = `SELECT s.household_id AS householdId, h.pseudonym_seed AS seed, s.score, h.head_name AS headName, h.door_no AS doorNo, h.name_initials AS initials, v.name AS village
           FROM household_period_scores s
           JOIN households h ON h.id = s.household_id
           JOIN areas v ON v.id = s.village_id`;
    const order = 'ORDER BY s.score DESC, h.name_initials ASC, h.id ASC';
    s = {
      board: perScope((c) => client.prepare(`${select} WHERE s.${c} = ? AND s.period = ? ${order} LIMIT ? OFFSET ?`)),
      downTo: perScope((c) => client.prepare(`${select} WHERE s.${c} = ? AND s.period = ? AND s.score >= ? ${order} LIMIT -1 OFFSET ?`)),
      total: perScope((c) => client.prepare(`SELECT COUNT(*) AS n FROM household_period_scores WHERE ${c} = ? AND period = ?`)),
      aboveIn: perScope((c) => client.prepare(`SELECT COUNT(*) AS n FROM household_period_scores WHERE ${c} = ? AND period = ? AND score > ?`)),
      household: client.prepare('SELECT h.id, a.path AS villagePath FROM households h JOIN areas a ON a.id = h.village_id WHERE h.id = ?'),
      score: client.prepare('SELECT score FROM household_period_scores WHERE household_id = ? AND period = ?'),
    };
    cache.set(client, s);
  }
  return s;
}

/** One page of an area's conduct-score board, in leaderboard order. */
export async function boardRows(db: Db, scope: BoardScope, areaId: number, period: string, limit: number, offset = 0): Promise<BoardRow[]> {
  return withPseudonyms(statements(db.$client).board[scope].all(areaId, period, limit, offset), period);
}

/** From `offset` on, every row scoring at least `minScore`: a page carried on through the tie at its end. */
export async function boardRowsDownTo(db: Db, scope: BoardScope, areaId: number, period: string, minScore: number, offset = 0): Promise<BoardRow[]> {
  return withPseudonyms(statements(db.$client).downTo[scope].all(areaId, period, minScore, offset), period);
}

/** How many households a board has, and how many score above a given score (for the rank of a page's first row). */
export async function boardCounts(db: Db, scope: BoardScope, areaId: number, period: string, score: number | null): Promise<{ total: number; above: number }> {
  const s = statements(db.$client);
  return { total: s.total[scope].get(areaId, period)!.n, above: score === null ? 0 : s.aboveIn[scope].get(areaId, period, score)!.n };
}

export async function householdVillagePath(db: Db, householdId: number): Promise<string | null> {
  return statements(db.$client).household.get(householdId)?.villagePath ?? null;
}

/** A household's conduct score in a period and its rank in its township (ties share a rank), by index counts. */
export async function townshipRank(db: Db, householdId: number, townshipId: number, period: string): Promise<{ score: number | null; rank: number | null; ranked: number }> {
  const s = statements(db.$client);
  const ranked = s.total.township.get(townshipId, period)!.n;
  const row = s.score.get(householdId, period);
  if (!row) return { score: null, rank: null, ranked };
  return { score: row.score, rank: s.aboveIn.township.get(townshipId, period, row.score)!.n + 1, ranked };
}

/**
 * Net conduct points of one rule category per household over the given villages and period (the
 * ledger over its village/day index); households whose category points net to zero are left out.
 */
export async function categoryPoints(db: Db, villageIds: readonly number[], period: string, category: RuleCategory): Promise<Array<{ householdId: number; points: number }>> {
  const { from, to } = periodRange(period);
  return selectInChunks(villageIds, (part) =>
    db
      .select({ householdId: ledgerEntries.householdId, points: sql<number>`sum(${ledgerEntries.conductPoints})` })
      .from(ledgerEntries)
      .where(and(inArray(ledgerEntries.villageId, part), between(ledgerEntries.occurredOn, from, to), eq(ledgerEntries.category, category), ne(ledgerEntries.conductPoints, 0)))
      .groupBy(ledgerEntries.householdId)
      .all()
      .map((r) => ({ householdId: r.householdId, points: Number(r.points) }))
      .filter((r) => r.points !== 0),
  );
}

/** Names, door numbers, pinyin initials, village names and pseudonyms of the period's year of households (for ranking and masking). */
export async function householdsForBoard(db: Db, ids: readonly number[], period: string): Promise<Array<Omit<BoardRow, 'score'>>> {
  const rows = selectInChunks(ids, (part) =>
    db
      .select({ householdId: households.id, seed: households.pseudonymSeed, headName: households.headName, doorNo: households.doorNo, initials: households.nameInitials, village: areas.name })
      .from(households)
      .innerJoin(areas, eq(areas.id, households.villageId))
      .where(inArray(households.id, part))
      .all(),
  );
  return withPseudonyms(rows, period);
}
