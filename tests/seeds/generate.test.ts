import { beforeAll, describe, expect, it } from 'vitest';
import { openDb, type SqliteDb } from '../../db/client';
import { chainHeadOf } from '../../db/ledger';
import { verifyDatabase } from '../../db/verify';
import { generateCounty } from '../../seeds/generate';
import { countOf, expectAllInvariants } from './invariants';

const NOW = new Date('2026-03-28T09:00:00.000Z');

async function generate(writer: 'bulk' | 'direct'): Promise<SqliteDb> {
  const db = openDb({ file: ':memory:' });
  // One month per bulk transaction, so quarter and year scores and reversals span flushes.
  await generateCounty(db, { households: 500, months: 3, now: NOW, passwordHash: 'scrypt$1024$8$1$AAAA$AAAA', writer, monthsPerTransaction: writer === 'bulk' ? 1 : 3 });
  return db;
}

const dump = (db: SqliteDb, q: string) => db.$client.prepare(q).all();

describe('the county generator', () => {
  let bulk: SqliteDb;
  let direct: SqliteDb;
  beforeAll(async () => {
    bulk = await generate('bulk');
    direct = await generate('direct');
  });

  it('generates the asked number of households over villages and townships', () => {
    expect(countOf(bulk, 'SELECT COUNT(*) AS n FROM households')).toBe(500);
    expect(countOf(bulk, "SELECT COUNT(*) AS n FROM areas WHERE kind = 'village'")).toBe(3);
    expect(countOf(bulk, "SELECT COUNT(*) AS n FROM areas WHERE kind = 'township'")).toBeGreaterThanOrEqual(1);
    expect(countOf(bulk, "SELECT COUNT(DISTINCT substr(occurred_on, 1, 7)) AS n FROM ledger_entries WHERE kind = 'award'")).toBe(3);
    // Enough rows per household and month that 120,000 households × 36 months exceed 5 million entries.
    expect(countOf(bulk, 'SELECT COUNT(*) AS n FROM ledger_entries') / 500 / 3).toBeGreaterThan(1.2);
  });

  it('keeps every ledger, stock and record invariant', () => {
    expectAllInvariants(bulk);
  }, 180_000);

  it('writes the same ledger, balances, scores and stock in bulk as entry by entry', async () => {
    // Salts and pseudonyms are random, so hashes differ between the two; each must verify on its own.
    expect(chainHeadOf(bulk).lastEntryId).toBe(chainHeadOf(direct).lastEntryId);
    expect(await verifyDatabase(bulk)).toMatchObject({ ok: true });
    expect(await verifyDatabase(direct)).toMatchObject({ ok: true });
    expect(countOf(bulk, "SELECT COUNT(*) AS n FROM ledger_entries WHERE kind = 'reversal'")).toBeGreaterThan(0);
    for (const q of [
      `SELECT id, household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, rule_id, category, award_id, redemption_id,
              reverses_id, note, created_by, created_at, chain_id, seq, hash_version, length(salt), length(private_digest) FROM ledger_entries ORDER BY id`,
      'SELECT id, balance, updated_at FROM households ORDER BY id',
      'SELECT * FROM household_period_scores ORDER BY household_id, period',
      'SELECT * FROM stock_movements ORDER BY id',
      'SELECT id, stock, updated_at FROM goods ORDER BY id',
      'SELECT * FROM awards ORDER BY id',
      'SELECT village_id, last_seq, genesis_hash FROM ledger_chains ORDER BY village_id',
    ]) {
      expect(dump(bulk, q), q).toEqual(dump(direct, q));
    }
  });

  it('restores durable settings and rebuilds the indexes after generating', () => {
    expect(bulk.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    const indexes = (db: SqliteDb) => dump(db, "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name");
    const fresh = openDb({ file: ':memory:' });
    expect(indexes(bulk)).toEqual(indexes(fresh));
  });
});
