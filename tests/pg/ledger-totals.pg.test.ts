/**
 * The dashboard's kept totals on PostgreSQL: a county copied from SQLite keeps them (db:copy moves the tables
 * like any other), and concurrent postings from a pool (one village's chain row serialises a village, villages run
 * side by side) leave them equal to a GROUP BY over the ledger, first awards of a period counted once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openDb, openPgDb, type Db } from '../../db/client';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import { awardedHouseholdsPerVillage, pointsByCategory, pointsByMonth } from '../../db/dashboard/figures';
import { postLedgerEntry, type NewLedgerEntry } from '../../db/ledger';
import { expectedAwardeesSql, expectedMonthTotalsSql } from '../../db/ledger/totals';
import { sqlOf } from '../../db/sql';
import { periodRange } from '../../db/time';
import { transaction } from '../../db/transaction';
import { verifyDatabase } from '../../db/verify';
import { generateCounty } from '../../seeds/generate';
import { freshDatabase, type FreshDatabase } from './support/database';

const NOW = new Date('2026-03-28T09:00:00.000Z');
const dir = mkdtempSync(join(tmpdir(), 'jifen-totals-pg-'));
const county = join(dir, 'county.db');
let target: FreshDatabase;
let pgDb: Db;
let households: { id: number; villageId: number }[];

beforeAll(async () => {
  const db = openDb({ file: county });
  await generateCounty(db, { households: 90, months: 3, villages: 3, now: NOW, passwordHash: 'scrypt$1024$8$1$AAAA$AAAA', seed: 21, writer: 'bulk' });
  households = db.$client.prepare('SELECT id, village_id AS villageId FROM households ORDER BY id').all() as { id: number; villageId: number }[];
  await closeDb(db);
  target = await freshDatabase();
  await copySqliteToPg({ from: county, to: target.url });
  pgDb = await openPgDb({ url: target.url, dataDir: join(dir, 'pg-data'), migrate: false });
}, 180_000);

afterAll(async () => {
  if (pgDb) await closeDb(pgDb);
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Kept rows and recomputed rows, as comparable sorted lists. */
async function keptAndExpected(db: Db) {
  const q = sqlOf(db);
  const norm = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : Number(v)]))).sort();
  return {
    kept: {
      months: norm(await q.all('SELECT village_id AS "villageId", month, kind, category, points, entries FROM ledger_month_totals')),
      awardees: norm(await q.all('SELECT village_id AS "villageId", period, households FROM village_period_awardees')),
    },
    expected: {
      months: norm(await q.all(expectedMonthTotalsSql())),
      awardees: norm(await q.all(expectedAwardeesSql())),
    },
  };
}

describe('ledger totals on PostgreSQL', () => {
  it('arrive with the copied county and verify', async () => {
    const { kept, expected } = await keptAndExpected(pgDb);
    expect(kept.months.length).toBeGreaterThan(10);
    expect(kept).toEqual(expected);
    expect((await verifyDatabase(pgDb)).ok).toBe(true);
  });

  it('stay equal to the ledger under 60 concurrent postings across three villages, first awards of a new month counted once', async () => {
    // A month the generator never wrote: every household's award there is its first of the month and quarter.
    const day = '2026-07-15';
    const picked = [...new Set(households.map((h) => h.villageId))].flatMap((v) => households.filter((h) => h.villageId === v).slice(0, 4));
    const jobs: NewLedgerEntry[] = [];
    for (let i = 0; i < 60; i++) {
      const h = picked[i % picked.length];
      const kind = i % 5 === 4 ? 'adjustment' : 'award';
      jobs.push({ householdId: h.id, villageId: h.villageId, kind, points: 1 + (i % 7), conductPoints: kind === 'award' ? 1 + (i % 7) : 0, occurredOn: day, category: kind === 'award' ? 'hygiene' : null, createdAt: NOW.getTime() + i });
    }
    await Promise.all(jobs.map((e) => transaction(pgDb, (tx) => postLedgerEntry(tx, e))));
    const { kept, expected } = await keptAndExpected(pgDb);
    expect(kept).toEqual(expected);
    const q = sqlOf(pgDb);
    const july = await q.all<{ villageId: number; households: number }>(`SELECT village_id AS "villageId", households FROM village_period_awardees WHERE period = '2026-07' ORDER BY village_id`);
    const awardedInJuly = new Map<number, Set<number>>();
    for (const e of jobs.filter((j) => j.kind === 'award')) awardedInJuly.set(e.villageId, (awardedInJuly.get(e.villageId) ?? new Set()).add(e.householdId));
    expect(july.map((r) => [r.villageId, Number(r.households)])).toEqual([...awardedInJuly].sort((a, b) => a[0] - b[0]).map(([v, s]) => [v, s.size]));
    expect((await verifyDatabase(pgDb)).ok).toBe(true);

    // The dashboard's figures from the totals equal the ledger's sums for the quarter.
    const villageIds = [...awardedInJuly.keys()];
    const { from, to } = periodRange('2026-Q3');
    const scope = { villageIds, storeIds: [], period: '2026-Q3', from, to, fromMs: 0, toMs: 0 };
    const awards = jobs.filter((j) => j.kind === 'award');
    expect(await pointsByMonth(pgDb, scope)).toEqual([{ month: '2026-07', kind: 'award', points: awards.reduce((s, e) => s + e.points, 0) }]);
    expect(await pointsByCategory(pgDb, scope)).toEqual([{ category: 'hygiene', kind: 'award', points: awards.reduce((s, e) => s + e.points, 0), entries: awards.length }]);
    expect([...(await awardedHouseholdsPerVillage(pgDb, scope))].sort((a, b) => a[0] - b[0])).toEqual([...awardedInJuly].sort((a, b) => a[0] - b[0]).map(([v, s]) => [v, s.size]));
  });
});
