import type Database from 'better-sqlite3';
import type { Db } from './client';

export type BoardScope = 'village' | 'township' | 'county';

export interface BoardRow {
  householdId: number;
  score: number;
  headName: string;
  doorNo: string | null;
  initials: string;
  village: string;
}

interface Statements {
  board: Record<BoardScope, Database.Statement<[number, string, number, number], BoardRow>>;
  total: Record<BoardScope, Database.Statement<[number, string], { n: number }>>;
  aboveIn: Record<BoardScope, Database.Statement<[number, string, number], { n: number }>>;
  changes: Database.Statement<[], number>;
  version: Database.Statement<[], number>;
  household: Database.Statement<[number], { id: number; villagePath: string }>;
  score: Database.Statement<[number, string], { score: number }>;
  above: Database.Statement<[number, string, number], { n: number }>;
  ranked: Database.Statement<[number, string], { n: number }>;
}

const cache = new WeakMap<Database.Database, Statements>();

// Hot read paths (public boards, ranks): raw prepared statements, ordered by the (area, period, score) indexes.
function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    const board = (column: string) =>
      client.prepare<[number, string, number, number], BoardRow>(
        `SELECT s.household_id AS householdId, s.score, h.head_name AS headName, h.door_no AS doorNo, h.name_initials AS initials, v.name AS village
           FROM household_period_scores s
           JOIN households h ON h.id = s.household_id
           JOIN areas v ON v.id = s.village_id
          WHERE s.${column} = ? AND s.period = ?
          ORDER BY s.score DESC, h.name_initials ASC, h.id ASC
          LIMIT ? OFFSET ?`,
      );
    const total = (column: string) => client.prepare<[number, string], { n: number }>(`SELECT COUNT(*) AS n FROM household_period_scores WHERE ${column} = ? AND period = ?`);
    const aboveIn = (column: string) =>
      client.prepare<[number, string, number], { n: number }>(`SELECT COUNT(*) AS n FROM household_period_scores WHERE ${column} = ? AND period = ? AND score > ?`);
    s = {
      board: { village: board('village_id'), township: board('township_id'), county: board('county_id') },
      total: { village: total('village_id'), township: total('township_id'), county: total('county_id') },
      aboveIn: { village: aboveIn('village_id'), township: aboveIn('township_id'), county: aboveIn('county_id') },
      changes: client.prepare<[], number>('SELECT total_changes()').pluck(),
      version: client.prepare<[], number>('PRAGMA data_version').pluck(),
      household: client.prepare('SELECT h.id, a.path AS villagePath FROM households h JOIN areas a ON a.id = h.village_id WHERE h.id = ?'),
      score: client.prepare('SELECT score FROM household_period_scores WHERE household_id = ? AND period = ?'),
      above: client.prepare('SELECT COUNT(*) AS n FROM household_period_scores WHERE township_id = ? AND period = ? AND score > ?'),
      ranked: client.prepare('SELECT COUNT(*) AS n FROM household_period_scores WHERE township_id = ? AND period = ?'),
    };
    cache.set(client, s);
  }
  return s;
}

export function boardRows(db: Db, scope: BoardScope, areaId: number, period: string, limit: number, offset = 0): BoardRow[] {
  return statements(db.$client).board[scope].all(areaId, period, limit, offset);
}

/** How many households a board has, and how many score above a given score (for the rank of a page's first row). */
export function boardCounts(db: Db, scope: BoardScope, areaId: number, period: string, score: number | null): { total: number; above: number } {
  const s = statements(db.$client);
  return { total: s.total[scope].get(areaId, period)!.n, above: score === null ? 0 : s.aboveIn[scope].get(areaId, period, score)!.n };
}

// PRAGMA data_version costs ~10× total_changes(), so other connections' commits are looked for at most this often.
const OTHER_WRITERS_CHECK_MS = 1000;
const versions = new WeakMap<Database.Database, { version: number; checkedAt: number }>();

/**
 * Changes whenever anything is committed to the database: by this connection at once
 * (total_changes), by another process within a second (data_version). A cache stamped with it is
 * never staler than that.
 */
export function changeStamp(db: Db): string {
  const s = statements(db.$client);
  const now = Date.now();
  let v = versions.get(db.$client);
  if (!v || now - v.checkedAt >= OTHER_WRITERS_CHECK_MS) {
    v = { version: s.version.get()!, checkedAt: now };
    versions.set(db.$client, v);
  }
  return `${s.changes.get()}.${v.version}`;
}

export function householdVillagePath(db: Db, householdId: number): string | null {
  return statements(db.$client).household.get(householdId)?.villagePath ?? null;
}

/** A household's conduct score in a period and its rank in its township (ties share a rank), by index counts. */
export function townshipRank(db: Db, householdId: number, townshipId: number, period: string): { score: number | null; rank: number | null; ranked: number } {
  const s = statements(db.$client);
  const ranked = s.ranked.get(townshipId, period)!.n;
  const row = s.score.get(householdId, period);
  if (!row) return { score: null, rank: null, ranked };
  return { score: row.score, rank: s.above.get(townshipId, period, row.score)!.n + 1, ranked };
}
