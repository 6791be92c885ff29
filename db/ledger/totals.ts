import type Database from 'better-sqlite3';
import type { Db } from '../client';
import type { LedgerKind } from '../schema/ledger';
import { sqlOf, type Sql, type SqlParam } from '../sql';
import { periodRange, periodsOfDay } from '../time';
import { transaction } from '../transaction';

/**
 * The ledger's running totals (ledger_month_totals, village_period_awardees), moved in the transaction of
 * every append so the dashboard reads villages × months rows, never the ledger itself. The one owner of
 * what they hold: posting calls `moveLedgerTotals` (or its synchronous twin), bulk loads `rebuildLedgerTotals`,
 * verify compares the tables with `expectedMonthTotalsSql` / `expectedAwardeesSql`.
 */

/** What the totals need of an appended entry. */
export interface TotalledEntry {
  id: number;
  householdId: number;
  villageId: number;
  kind: LedgerKind;
  points: number;
  occurredOn: string;
  category?: string | null;
}

/** The key column cannot hold NULL (no primary key matches NULLs); no heading code is empty. */
export const NO_CATEGORY = '';

const SQL = {
  // Both engines: one row per key, so two processes posting in one village cannot add the same row twice.
  upsertMonth: `INSERT INTO ledger_month_totals (village_id, month, kind, category, points, entries) VALUES (?, ?, ?, ?, ?, 1)
     ON CONFLICT (village_id, month, kind, category) DO UPDATE SET
       points = ledger_month_totals.points + excluded.points, entries = ledger_month_totals.entries + 1`,
  upsertAwardee: `INSERT INTO village_period_awardees (village_id, period, households) VALUES (?, ?, 1)
     ON CONFLICT (village_id, period) DO UPDATE SET households = village_period_awardees.households + 1`,
  // Whether the household had another award in the village in each period of the entry's day (year, quarter,
  // month). EXISTS stops at the first one found, so a household with thousands of awards a year costs no more
  // than one with a few. `+village_id` keeps SQLite on the household index (a household has tens of entries a
  // year, a village thousands); the village chain row is locked, so no other posting of the village can add one
  // meanwhile.
  earlierInPeriods: `SELECT ${['year', 'quarter', 'month']
    .map(
      (p) => `EXISTS (SELECT 1 FROM ledger_entries
         WHERE household_id = ? AND +village_id = ? AND kind = 'award' AND id <> ? AND occurred_on >= ? AND occurred_on <= ?) AS "${p}"`,
    )
    .join(', ')}`,
} as const;

function monthParams(e: TotalledEntry): SqlParam[] {
  return [e.villageId, e.occurredOn.slice(0, 7), e.kind, e.category ?? NO_CATEGORY, e.points];
}

function earlierParams(e: TotalledEntry): SqlParam[] {
  return periodsOfDay(e.occurredOn).flatMap((p) => {
    const { from, to } = periodRange(p);
    return [e.householdId, e.villageId, e.id, from, to];
  });
}

type EarlierRow = { year: unknown; quarter: unknown; month: unknown };

/** The periods (year, quarter, month) of the entry's day in which the household had no award of the village before. */
function newAwardPeriods(e: TotalledEntry, earlier: EarlierRow): string[] {
  const had = [earlier.year, earlier.quarter, earlier.month].map(Boolean);
  return periodsOfDay(e.occurredOn).filter((_, i) => !had[i]);
}

/** Moves the totals for one appended entry (`id` is its own, already inserted). Inside the posting transaction. */
export async function moveLedgerTotals(q: Sql, e: TotalledEntry): Promise<void> {
  await q.run(SQL.upsertMonth, monthParams(e));
  if (e.kind !== 'award') return;
  const earlier = (await q.get<EarlierRow>(SQL.earlierInPeriods, earlierParams(e)))!;
  for (const period of newAwardPeriods(e, earlier)) await q.run(SQL.upsertAwardee, [e.villageId, period]);
}

interface Statements {
  upsertMonth: Database.Statement<unknown[]>;
  upsertAwardee: Database.Statement<unknown[]>;
  earlierInPeriods: Database.Statement<unknown[], EarlierRow>;
  schemaVersion: Database.Statement<[], number>;
  householdIndex: Database.Statement<[], number>;
  /** The schema version `indexed` was read at: dropping or making an index moves it. */
  version: number;
  indexed: boolean;
}
const cache = new WeakMap<Database.Database, Statements>();

function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    s = {
      upsertMonth: client.prepare(SQL.upsertMonth),
      upsertAwardee: client.prepare(SQL.upsertAwardee),
      earlierInPeriods: client.prepare(SQL.earlierInPeriods),
      schemaVersion: client.prepare<[], number>('PRAGMA schema_version').pluck(),
      householdIndex: client.prepare<[], number>(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ledger_household_idx'`).pluck(),
      version: -1,
      indexed: false,
    };
    cache.set(client, s);
  }
  const version = s.schemaVersion.get()!;
  if (version !== s.version) {
    s.version = version;
    s.indexed = s.householdIndex.get()! > 0;
  }
  return s;
}

/**
 * `moveLedgerTotals` for the synchronous SQLite bulk path (appendLedgerEntry). While a bulk load has the
 * ledger's secondary indexes dropped (seeds/generate.ts), finding a household's earlier awards would scan
 * the whole ledger per award, so the awardee counts are left to the `rebuildLedgerTotals` that load ends with.
 */
export function moveLedgerTotalsSync(client: Database.Database, e: TotalledEntry): void {
  const s = statements(client);
  s.upsertMonth.run(monthParams(e));
  if (e.kind !== 'award' || !s.indexed) return;
  const earlier = s.earlierInPeriods.get(earlierParams(e))!;
  for (const period of newAwardPeriods(e, earlier)) s.upsertAwardee.run(e.villageId, period);
}

/**
 * What ledger_month_totals should hold, recomputed from the ledger entries `e` matching `where`:
 * columns villageId, month, kind, category, points, entries.
 */
export function expectedMonthTotalsSql(where = 'TRUE'): string {
  return `SELECT e.village_id AS "villageId", substr(e.occurred_on, 1, 7) AS month, e.kind, COALESCE(e.category, '') AS category,
                 SUM(e.points) AS points, COUNT(*) AS entries
            FROM ledger_entries e
           WHERE ${where}
           GROUP BY e.village_id, substr(e.occurred_on, 1, 7), e.kind, COALESCE(e.category, '')`;
}

/**
 * What village_period_awardees should hold, recomputed from the ledger entries `e` matching `where`: columns
 * villageId, period, households.
 * The ledger is read once, down to each household's award months; year, quarter and month come from those.
 */
export function expectedAwardeesSql(where = 'TRUE'): string {
  return `WITH am AS (SELECT DISTINCT e.village_id AS v, e.household_id AS h, substr(e.occurred_on, 1, 7) AS m
                    FROM ledger_entries e WHERE e.kind = 'award' AND ${where})
          SELECT x."villageId", x.period, COUNT(DISTINCT x."householdId") AS households
            FROM (SELECT v AS "villageId", substr(m, 1, 4) AS period, h AS "householdId" FROM am
                  UNION ALL SELECT v, substr(m, 1, 4) || '-Q' || ((CAST(substr(m, 6, 2) AS INTEGER) + 2) / 3), h FROM am
                  UNION ALL SELECT v, m, h FROM am) AS x
           GROUP BY x."villageId", x.period`;
}

/**
 * Recomputes both tables from the ledger in one transaction (one INSERT … SELECT … GROUP BY each): for bulk
 * loads that write ledger rows without `moveLedgerTotals` (the seed's bulk writer, benches, copies of old files).
 */
export async function rebuildLedgerTotals(db: Db): Promise<void> {
  await transaction(db, async (tx) => {
    const q = sqlOf(tx);
    await q.run('DELETE FROM ledger_month_totals');
    await q.run('DELETE FROM village_period_awardees');
    await q.run(`INSERT INTO ledger_month_totals (village_id, month, kind, category, points, entries)
                 SELECT t."villageId", t.month, t.kind, t.category, t.points, t.entries FROM (${expectedMonthTotalsSql()}) AS t`);
    await q.run(`INSERT INTO village_period_awardees (village_id, period, households)
                 SELECT t."villageId", t.period, t.households FROM (${expectedAwardeesSql()}) AS t`);
  });
}
