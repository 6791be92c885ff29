import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, migrationsFolder, openDb } from '../../db/client';
import { appendLedgerEntry, GENESIS_HASH, legacyLedgerHash } from '../../db/ledger';
import { copySqliteToPg, CopyRefused } from '../../db/copy/sqliteToPg';
import { verifyDatabase, type VerifyOk } from '../../db/verify';
import { generateCounty } from '../../seeds/generate';
import { freshDatabase, type FreshDatabase } from './support/database';
import { withUrlPath } from './support/names';

const NOW = new Date('2026-03-28T09:00:00.000Z');
// Quotes, backslashes, a placeholder look-alike, an emoji and a line break: text must arrive byte for byte.
const HOSTILE_NAME = `O'Brien \\ "x" $1 ? 😀\n张*明`;

const dir = mkdtempSync(join(tmpdir(), 'jifen-dbcopy-'));
const made: FreshDatabase[] = [];

async function fresh(): Promise<FreshDatabase> {
  const db = await freshDatabase();
  made.push(db);
  return db;
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A small generated county written to a file, with a household member whose name is hostile text. */
async function makeCounty(file: string, seed: number): Promise<void> {
  const db = openDb({ file });
  await generateCounty(db, { households: 120, months: 2, now: NOW, passwordHash: 'scrypt$1024$8$1$AAAA$AAAA', seed, writer: 'bulk' });
  db.$client.prepare('UPDATE household_members SET name = ? WHERE id = (SELECT MIN(id) FROM household_members)').run(HOSTILE_NAME);
  closeDb(db);
}

/**
 * A county that ran before per-village chains (release 0.1.0: entries of the old single chain, hash version 1),
 * upgraded to the current schema, with one chained entry posted after the upgrade.
 */
function makeUpgradedCounty(file: string): void {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const shipped = Object.keys((JSON.parse(readFileSync(join(migrationsFolder, 'RELEASES.json'), 'utf8')) as Record<string, Record<string, string>>)['0.1.0']);
  const folder = join(dir, 'migrations-0.1.0');
  mkdirSync(join(folder, 'meta'), { recursive: true });
  for (const tag of shipped) copyFileSync(join(migrationsFolder, `${tag}.sql`), join(folder, `${tag}.sql`));
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.filter((e) => shipped.includes(e.tag)) }));
  const T = Date.UTC(2025, 5, 1);
  const old = new Database(file);
  migrate(drizzle(old), { migrationsFolder: folder });
  old.exec(`
    INSERT INTO areas (id, name, kind, parent_id, path, notice_days, created_at) VALUES
      (1, '旧县', 'county', NULL, '/1/', 0, ${T}), (2, '旧乡', 'township', 1, '/1/2/', NULL, ${T}), (3, '旧村', 'village', 2, '/1/2/3/', NULL, ${T});
    INSERT INTO households (id, village_id, head_name, name_initials, balance, created_at, updated_at) VALUES (1, 3, '张三明', 'zsm', 0, ${T}, ${T});`);
  let prev = GENESIS_HASH;
  let balance = 0;
  for (let id = 1; id <= 25; id++) {
    balance += 2;
    const row = { id, householdId: 1, villageId: 3, kind: 'adjustment' as const, points: 2, balanceAfter: balance, conductPoints: 0, occurredOn: '2025-06-01', ruleId: null, awardId: null, redemptionId: null, reversesId: null, category: null, note: `旧账 ${id}`, createdBy: null, createdAt: T + id, prevHash: prev };
    prev = legacyLedgerHash(row);
    old
      .prepare(`INSERT INTO ledger_entries (id, household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, note, created_at, prev_hash, hash) VALUES (?, 1, 3, 'adjustment', 2, ?, 0, '2025-06-01', ?, ?, ?, ?)`)
      .run(id, balance, row.note, row.createdAt, row.prevHash, prev);
    old.prepare('INSERT INTO chain_head (id, last_entry_id, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET last_entry_id = excluded.last_entry_id, hash = excluded.hash').run(id, prev);
  }
  old.prepare('UPDATE households SET balance = ? WHERE id = 1').run(balance);
  old.close();
  const db = openDb({ file });
  db.$client.transaction(() => appendLedgerEntry(db, { householdId: 1, villageId: 3, kind: 'adjustment', points: 3, conductPoints: 0, occurredOn: '2026-01-05', note: '升级后', createdAt: T + 1000 })).immediate();
  closeDb(db);
}

function sourceCounts(file: string): Map<string, number> {
  const src = new Database(file, { readonly: true });
  try {
    const names = (src.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('sqlite_sequence', '__drizzle_migrations')`).all() as { name: string }[]).map((r) => r.name);
    return new Map(names.map((n) => [n, (src.prepare(`SELECT COUNT(*) AS n FROM "${n}"`).get() as { n: number }).n]));
  } finally {
    src.close();
  }
}

async function targetCounts(url: string, names: Iterable<string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const n of names) out.set(n, Number((await query<{ n: string }>(url, `SELECT COUNT(*) AS n FROM "${n}"`))[0].n));
  return out;
}

async function sourceHeads(file: string): Promise<VerifyOk> {
  const src = new Database(file, { readonly: true });
  try {
    const v = await verifyDatabase(src);
    if (!v.ok) throw new Error(`source does not verify: ${v.detail}`);
    return v;
  } finally {
    src.close();
  }
}

async function targetHeads(url: string): Promise<{ villageId: number; lastSeq: number; hash: string }[]> {
  // village_id is bigint (0003): the raw client reads it as text.
  const rows = await query<{ village_id: string; last_seq: number; head_hash: string }>(url, 'SELECT village_id, last_seq, head_hash FROM ledger_chains ORDER BY village_id');
  return rows.map((r) => ({ villageId: Number(r.village_id), lastSeq: r.last_seq, hash: r.head_hash }));
}

const heads = (v: VerifyOk) => v.chains.map((c) => ({ villageId: c.villageId, lastSeq: c.lastSeq, hash: c.hash }));

async function progressTableExists(url: string): Promise<boolean> {
  return (await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'copy_progress'`)).length === 1;
}

/** The CLI in a child process (node itself, not npx, so SIGKILL reaches the copy and not a wrapper). */
function runCli(args: string[], onLine?: (line: string, kill: () => void) => void): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/dbCopy.ts', ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine?.(line, () => child.kill('SIGKILL'));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

describe('npm run db:copy (SQLite → PostgreSQL)', () => {
  const county = join(dir, 'county.db');
  const other = join(dir, 'other.db');
  let expected: Map<string, number>;
  let verified: VerifyOk;

  beforeAll(async () => {
    await makeCounty(county, 11);
    await makeCounty(other, 12);
    expected = sourceCounts(county);
    verified = await sourceHeads(county);
  }, 120_000);

  afterAll(async () => {
    for (const db of made) await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table with the same row counts, the same chain heads, the same values, and sequences past every id', async () => {
    const target = await fresh();
    const seen: number[] = [];
    const summary = await copySqliteToPg({ from: county, to: target.url, batchRows: 97, onProgress: (p) => p.phase === 'copy' && seen.push(p.rowsDone) });

    expect(summary.resumed).toBe(false);
    expect(summary.replica).toBeNull();
    expect(summary.rows).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    expect(summary.rowsCopiedNow).toBe(summary.rows);
    expect(summary.chainsChecked).toBe(verified.chains.length);
    expect(summary.entriesChecked).toBe(verified.entries);
    expect(new Map(summary.tables.map((t) => [t.name, t.rows]))).toEqual(expected);
    expect(await targetCounts(target.url, expected.keys())).toEqual(expected);
    expect(await targetHeads(target.url)).toEqual(heads(verified));
    // Progress only moves forward and ends at the total.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(summary.rows);
    expect(await progressTableExists(target.url)).toBe(false);

    // Values, not only counts: households row for row (flags as booleans, milliseconds as numbers), and hostile text.
    const src = new Database(county, { readonly: true });
    const sqliteRows = src.prepare('SELECT id, village_id, head_name, balance, redemption_suspended, created_at, pseudonym_seed FROM households ORDER BY id').all() as Record<string, unknown>[];
    src.close();
    const pgRows = await query<Record<string, unknown>>(target.url, 'SELECT id, village_id, head_name, balance, redemption_suspended, created_at, pseudonym_seed FROM households ORDER BY id');
    expect(pgRows.map((r) => ({ ...r, id: Number(r.id), village_id: Number(r.village_id), created_at: Number(r.created_at), redemption_suspended: r.redemption_suspended ? 1 : 0 }))).toEqual(sqliteRows);
    expect(typeof pgRows[0].redemption_suspended).toBe('boolean');
    expect((await query<{ name: string }>(target.url, 'SELECT name FROM household_members ORDER BY id LIMIT 1'))[0].name).toBe(HOSTILE_NAME);

    // The app's next insert takes a new id: identity sequences sit at the highest copied id.
    const maxArea = Number((await query<{ n: string }>(target.url, 'SELECT MAX(id) AS n FROM areas'))[0].n);
    const next = await query<{ id: string }>(target.url, `INSERT INTO areas (name, kind, parent_id, path, created_at) VALUES ('新村', 'village', NULL, '/x', 0) RETURNING id`);
    expect(Number(next[0].id)).toBe(maxArea + 1);
    const ledgerSeq = await query<{ n: string }>(target.url, `SELECT last_value AS n FROM pg_sequences WHERE sequencename = 'ledger_entries_id_seq'`);
    expect(Number(ledgerSeq[0].n)).toBe(verified.head.lastEntryId);
  }, 120_000);

  it('refuses a target that already holds data, and leaves it as it was', async () => {
    const target = await fresh();
    await copySqliteToPg({ from: county, to: target.url });
    const before = await targetCounts(target.url, expected.keys());
    await expect(copySqliteToPg({ from: county, to: target.url })).rejects.toThrow(/already holds data \(areas: \d+ rows\)/);
    await expect(copySqliteToPg({ from: other, to: target.url })).rejects.toThrow(CopyRefused);
    expect(await targetCounts(target.url, expected.keys())).toEqual(before);
    expect(await progressTableExists(target.url)).toBe(false);

    const cli = await runCli(['--from', county, '--to', target.url]);
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(/REFUSED the target already holds data/);
  }, 120_000);

  it('finishes a copy killed midway on the second run, with the same counts and heads and no duplicates', async () => {
    const target = await fresh();
    // Small batches so the copy is still running when its first progress line past zero arrives.
    const killed = await runCli(['--from', county, '--to', target.url, '--batch', '10'], (line, kill) => {
      if (/all: [1-9][\d,]*\//.test(line)) kill();
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(await progressTableExists(target.url)).toBe(true);
    const partial = await targetCounts(target.url, expected.keys());
    const partialTotal = [...partial.values()].reduce((a, b) => a + b, 0);
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    expect(partialTotal).toBeGreaterThan(0);
    expect(partialTotal).toBeLessThan(total);

    const second = await runCli(['--from', county, '--to', target.url]);
    expect(second.err).toBe('');
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/OK [\d,]+ rows in \d+ tables \([\d,]+ copied by this run, resuming an earlier run\)/);
    expect(second.out).toContain(`${verified.chains.length} village chain heads`);
    expect(await targetCounts(target.url, expected.keys())).toEqual(expected);
    expect(await targetHeads(target.url)).toEqual(heads(verified));
    expect(await progressTableExists(target.url)).toBe(false);
  }, 120_000);

  it('refuses to resume an unfinished copy from another source', async () => {
    const target = await fresh();
    const abort = new Error('stopped by the test');
    await expect(
      copySqliteToPg({ from: county, to: target.url, batchRows: 50, onProgress: (p) => { if (p.rowsDone > 200) throw abort; } }),
    ).rejects.toBe(abort);
    await expect(copySqliteToPg({ from: other, to: target.url })).rejects.toThrow(/unfinished copy of another source, or the source changed/);
    // The right source still finishes it.
    const done = await copySqliteToPg({ from: county, to: target.url });
    expect(done.resumed).toBe(true);
    expect(done.rowsCopiedNow).toBeLessThan(done.rows);
    expect(await targetCounts(target.url, expected.keys())).toEqual(expected);
    expect(await targetHeads(target.url)).toEqual(heads(verified));
  }, 120_000);

  it('refuses a tampered source (an edited ledger row, triggers dropped) before writing anything', async () => {
    const tampered = join(dir, 'tampered.db');
    copyFileSync(county, tampered);
    const db = new Database(tampered);
    db.exec('DROP TRIGGER ledger_entries_no_update');
    db.prepare('UPDATE ledger_entries SET note = ? WHERE id = (SELECT MAX(id) FROM ledger_entries)').run('改过的备注');
    db.close();
    const target = await fresh();
    await expect(copySqliteToPg({ from: tampered, to: target.url })).rejects.toThrow(/the source does not verify, so it is not copied: FAIL hash at ledger_entries/);
    expect(await progressTableExists(target.url)).toBe(false);
    expect((await query<{ n: string }>(target.url, 'SELECT COUNT(*) AS n FROM areas'))[0].n).toBe('0');

    const cli = await runCli(['--from', tampered, '--to', target.url]);
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(/REFUSED the source does not verify/);
  }, 120_000);

  it('lets exactly one of several simultaneous copies into one target write it', async () => {
    const target = await fresh();
    const runs = await Promise.allSettled(Array.from({ length: 6 }, () => copySqliteToPg({ from: county, to: target.url })));
    const ok = runs.filter((r) => r.status === 'fulfilled');
    const refused = runs.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(5);
    for (const e of refused) expect(e.message).toMatch(/another db:copy is running into this database|already holds data/);
    expect(await targetCounts(target.url, expected.keys())).toEqual(expected);
    expect(await targetHeads(target.url)).toEqual(heads(verified));
  }, 120_000);

  it('copies one consistent snapshot while the source is still being written', async () => {
    const live = join(dir, 'live.db');
    copyFileSync(county, live);
    const before = sourceCounts(live);
    const beforeHeads = heads(await sourceHeads(live));
    const target = await fresh();
    let wrote = false;
    const summary = await copySqliteToPg({
      from: live,
      to: target.url,
      batchRows: 200,
      onProgress: (p) => {
        if (wrote || p.rowsDone === 0) return;
        wrote = true;
        // The server posts an entry in the middle of the copy (WAL: the writer is not blocked by the copy's snapshot).
        const db = openDb({ file: live });
        const h = db.$client.prepare('SELECT id, village_id AS villageId FROM households ORDER BY id LIMIT 1').get() as { id: number; villageId: number };
        db.$client.transaction(() => appendLedgerEntry(db, { householdId: h.id, villageId: h.villageId, kind: 'adjustment', points: 7, conductPoints: 0, occurredOn: '2026-03-28', createdAt: NOW.getTime() })).immediate();
        closeDb(db);
      },
    });
    expect(wrote).toBe(true);
    expect(sourceCounts(live).get('ledger_entries')).toBe(before.get('ledger_entries')! + 1);
    expect(new Map(summary.tables.map((t) => [t.name, t.rows]))).toEqual(before);
    expect(await targetCounts(target.url, before.keys())).toEqual(before);
    expect(await targetHeads(target.url)).toEqual(beforeHeads);
  }, 120_000);

  it('refuses a missing source and an unreachable target with a clear message', async () => {
    const target = await fresh();
    await expect(copySqliteToPg({ from: join(dir, 'nope.db'), to: target.url })).rejects.toThrow(/source .*nope\.db does not exist/);
    await expect(copySqliteToPg({ from: county, to: 'postgres://jifen@127.0.0.1:1/none' })).rejects.toThrow(/cannot connect to the target/);
    // A database without the jifen schema: nothing is created in it.
    await expect(copySqliteToPg({ from: county, to: inject('pgAppUrl') })).rejects.toThrow(/the target has no table \w+: migrate it first/);
    expect(await progressTableExists(inject('pgAppUrl'))).toBe(false);
    const cli = await runCli(['--from', county]);
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(/--to <postgres URL> is required/);
  }, 120_000);

  describe('a county from before per-village chains (old single chain, hash version 1)', () => {
    const upgraded = join(dir, 'upgraded.db');
    let legacyVerified: VerifyOk;
    beforeAll(async () => {
      makeUpgradedCounty(upgraded);
      legacyVerified = await sourceHeads(upgraded);
      expect(legacyVerified.legacy?.lastEntryId).toBe(25);
    });

    it('is copied by the tables\' owner with the chain insert check off only inside its own batches, and the check is back on after', async () => {
      const target = await fresh();
      const summary = await copySqliteToPg({ from: upgraded, to: target.url, batchRows: 10 });
      expect(summary.replica).toBeNull();
      expect(summary.chainTriggerOff).toMatch(/25 ledger entries of the old single chain/);
      expect(summary.entriesChecked).toBe(26);
      expect(await targetHeads(target.url)).toEqual(heads(legacyVerified));
      const trigger = await query<{ tgenabled: string }>(target.url, `SELECT tgenabled FROM pg_trigger WHERE tgname = 'ledger_entries_in_village_chain'`);
      expect(trigger).toEqual([{ tgenabled: 'O' }]);
      // The check still refuses an entry of the old chain from anyone else.
      await expect(
        query(target.url, `INSERT INTO ledger_entries (household_id, village_id, kind, points, balance_after, occurred_on, created_at, prev_hash, hash, hash_version) VALUES (1, 3, 'adjustment', 0, 53, '2026-01-06', 0, 'x', 'y', 1)`),
      ).rejects.toThrow();
    }, 120_000);

    it('is copied by a superuser with session_replication_role = replica for the copy session only', async () => {
      const target = await fresh();
      const summary = await copySqliteToPg({ from: upgraded, to: withUrlPath(inject('pgAdminUrl'), target.name) });
      expect(summary.replica).toMatch(/old single chain/);
      expect(summary.chainTriggerOff).toBeNull();
      expect(await targetHeads(target.url)).toEqual(heads(legacyVerified));
    }, 120_000);
  });
});
