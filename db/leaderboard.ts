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
  board: Record<BoardScope, Database.Statement<[number, string, number], BoardRow>>;
  stamp: Database.Statement<[], { changes: number; version: number }>;
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
      client.prepare<[number, string, number], BoardRow>(
        `SELECT s.household_id AS householdId, s.score, h.head_name AS headName, h.door_no AS doorNo, h.name_initials AS initials, v.name AS village
           FROM household_period_scores s
           JOIN households h ON h.id = s.household_id
           JOIN areas v ON v.id = s.village_id
          WHERE s.${column} = ? AND s.period = ?
          ORDER BY s.score DESC, h.name_initials ASC, h.id ASC
          LIMIT ?`,
      );
    s = {
      board: { village: board('village_id'), township: board('township_id'), county: board('county_id') },
      stamp: client.prepare('SELECT total_changes() AS changes, (SELECT data_version FROM pragma_data_version) AS version'),
      household: client.prepare('SELECT h.id, a.path AS villagePath FROM households h JOIN areas a ON a.id = h.village_id WHERE h.id = ?'),
      score: client.prepare('SELECT score FROM household_period_scores WHERE household_id = ? AND period = ?'),
      above: client.prepare('SELECT COUNT(*) AS n FROM household_period_scores WHERE township_id = ? AND period = ? AND score > ?'),
      ranked: client.prepare('SELECT COUNT(*) AS n FROM household_period_scores WHERE township_id = ? AND period = ?'),
    };
    cache.set(client, s);
  }
  return s;
}

export function boardRows(db: Db, scope: BoardScope, areaId: number, period: string, limit: number): BoardRow[] {
  return statements(db.$client).board[scope].all(areaId, period, limit);
}

/**
 * Changes whenever anything is committed to the database, by this connection (total_changes) or
 * by another one (data_version): a cache stamped with it is never stale.
 */
export function changeStamp(db: Db): string {
  const r = statements(db.$client).stamp.get()!;
  return `${r.changes}.${r.version}`;
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
