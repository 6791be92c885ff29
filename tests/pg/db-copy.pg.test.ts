import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, migrationsFolder, openDb, openPgDb } from '../../db/client';
import { appendLedgerEntry, GENESIS_HASH, legacyLedgerHash } from '../../db/ledger';
import { copySqliteToPg, CopyRefused } from '../../db/copy/sqliteToPg';
import { verifyDatabase, type VerifyOk } from '../../db/verify';
import { generateCounty } from '../../seeds/generate';
import { provinceCountyName } from '../../seeds/province';
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
async function makeCounty(file: string, seed: number, countyNumber = 0): Promise<void> {
  const db = openDb({ file });
  const county = await generateCounty(db, { households: 120, months: 2, now: NOW, passwordHash: 'scrypt$1024$8$1$AAAA$AAAA', seed, writer: 'bulk', countyNumber });
  db.$client.prepare('UPDATE household_members SET name = ? WHERE id = (SELECT MIN(id) FROM household_members)').run(HOSTILE_NAME);
  // The generator names every county alike; counties sharing a database need names of their own.
  if (countyNumber) db.$client.prepare('UPDATE areas SET name = ? WHERE id = ?').run(provinceCountyName(countyNumber), county.countyId);
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
    // The CLI checks foreign keys once per table on a fresh target: the killed run's dropped keys are back, all validated.
    const fks = await query<{ n: string }>(target.url, `SELECT COUNT(*) FILTER (WHERE convalidated) AS n FROM pg_constraint WHERE contype = 'f'`);
    const template = await query<{ n: string }>((await fresh()).url, `SELECT COUNT(*) AS n FROM pg_constraint WHERE contype = 'f'`);
    expect(Number(fks[0].n)).toBe(Number(template[0].n));
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

  it('carries hostile text byte for byte through COPY: tab, newline, CR, backslash, \\N, quotes, CJK, emoji; an empty string stays empty and NULL stays NULL; chains verify', async () => {
    const file = join(dir, 'hostile.db');
    copyFileSync(county, file);
    const notes = [`tab\there\nline two\r\\ back \\N \\\\N \\. "dq" 'sq' 中文 😀 end`, '\\N', '', null, '\t', '\\'];
    const db = openDb({ file });
    const h = db.$client.prepare('SELECT id, village_id AS villageId FROM households ORDER BY id LIMIT 1').get() as { id: number; villageId: number };
    const first = (db.$client.prepare('SELECT MAX(id) AS n FROM ledger_entries').get() as { n: number }).n + 1;
    db.$client
      .transaction(() => {
        for (const note of notes) appendLedgerEntry(db, { householdId: h.id, villageId: h.villageId, kind: 'adjustment', points: 1, conductPoints: 0, occurredOn: '2026-03-28', note, createdAt: NOW.getTime() });
      })
      .immediate();
    // Members' phones: empty string on one, NULL on another (NULL and '' must not meet on the way).
    db.$client.prepare(`UPDATE household_members SET phone = '' WHERE id = (SELECT MIN(id) FROM household_members)`).run();
    db.$client.prepare(`UPDATE household_members SET phone = NULL WHERE id = (SELECT MAX(id) FROM household_members)`).run();
    closeDb(db);
    const target = await fresh();
    const summary = await copySqliteToPg({ from: file, to: target.url, batchRows: 3 });
    expect(summary.entriesChecked).toBe((await sourceHeads(file)).entries);
    const got = await query<{ note: string | null }>(target.url, 'SELECT note FROM ledger_entries WHERE id >= $1 ORDER BY id', [first]);
    expect(got.map((r) => r.note)).toEqual(notes);
    expect(got.map((r) => (r.note === null ? null : Buffer.from(r.note, 'utf8').toString('hex')))).toEqual(notes.map((n) => (n === null ? null : Buffer.from(n, 'utf8').toString('hex'))));
    const phones = await query<{ phone: string | null }>(target.url, 'SELECT phone FROM household_members WHERE id IN ((SELECT MIN(id) FROM household_members), (SELECT MAX(id) FROM household_members)) ORDER BY id');
    expect(phones.map((r) => r.phone)).toEqual(['', null]);
    expect(await targetHeads(target.url)).toEqual(heads(await sourceHeads(file)));
  }, 120_000);

  describe('--join: several counties in one database', () => {
    const one = join(dir, 'county-1.db');
    const two = join(dir, 'county-2.db');
    let target: FreshDatabase;

    beforeAll(async () => {
      await makeCounty(one, 21, 1);
      await makeCounty(two, 22, 2);
      target = await fresh();
    }, 120_000);

    const tableRows = async (url: string) => targetCounts(url, expected.keys());
    const foreignKeys = async (url: string) => Number((await query<{ n: string }>(url, `SELECT COUNT(*) AS n FROM pg_constraint WHERE contype = 'f' AND convalidated`))[0].n);

    it('joins an unnumbered county and two numbered ones; verify of the whole database is clean and every sequence is past its table', async () => {
      const fks = await foreignKeys(target.url);
      const first = await copySqliteToPg({ from: county, to: target.url, join: true });
      expect(first.joined).toBe(true);
      const a = await copySqliteToPg({ from: one, to: target.url, join: true, deferForeignKeys: true, batchRows: 250 });
      expect(a.foreignKeysPerRow).toBeNull();
      const cli = await runCli(['--from', two, '--to', target.url, '--join']);
      expect(cli.err).toBe('');
      expect(cli.code).toBe(0);
      expect(cli.out).toMatch(/joined beside the counties already there/);
      expect(await foreignKeys(target.url)).toBe(fks);
      expect(await progressTableExists(target.url)).toBe(false);

      const counties = await query<{ id: string; name: string }>(target.url, 'SELECT id, name FROM areas WHERE parent_id IS NULL ORDER BY id');
      expect(counties.map((c) => c.name)).toEqual(['青山县', provinceCountyName(1), provinceCountyName(2)]);
      const users = await query<{ username: string }>(target.url, `SELECT username FROM users WHERE role = 'county_admin' ORDER BY id`);
      expect(users.map((u) => u.username)).toEqual(['county', 'c1-county', 'c2-county']);
      // The template headings are the target's seven, once; each county's own rows all arrived.
      expect(Number((await query<{ n: string }>(target.url, 'SELECT COUNT(*) AS n FROM rule_headings WHERE area_id IS NULL'))[0].n)).toBe(7);
      const all = await tableRows(target.url);
      for (const [name, n] of expected) {
        if (['rule_headings', 'meta', 'sessions', 'throttle', 'public_hits', 'pass_codes', 'pass_uses'].includes(name)) continue;
        expect(all.get(name), name).toBe(n + sourceCounts(one).get(name)! + sourceCounts(two).get(name)!);
      }

      const pgDb = await openPgDb({ url: target.url, dataDir: join(dir, 'pg-data-join'), poolSize: 2, migrate: false });
      try {
        const verdict = await verifyDatabase(pgDb);
        expect(verdict.ok ? 'OK' : JSON.stringify(verdict)).toBe('OK');
        if (verdict.ok) {
          const want = [...heads(verified), ...heads(await sourceHeads(one)), ...heads(await sourceHeads(two))].sort((x, y) => x.villageId - y.villageId);
          expect(heads(verdict)).toEqual(want);
        }
      } finally {
        await closeDb(pgDb);
      }
      // The next id of every table lies past the highest county's rows.
      const maxHousehold = Number((await query<{ n: string }>(target.url, 'SELECT MAX(id) AS n FROM households'))[0].n);
      expect(Math.floor(maxHousehold / 1e10)).toBe(2);
      const next = await query<{ id: string }>(target.url, `INSERT INTO areas (name, kind, parent_id, path, created_at) VALUES ('新村', 'village', NULL, '/x', 0) RETURNING id`);
      const maxArea = Number((await query<{ n: string }>(target.url, `SELECT MAX(id) AS n FROM areas WHERE name <> '新村'`))[0].n);
      expect(Number(next[0].id)).toBe(maxArea + 1);
      await query(target.url, `DELETE FROM areas WHERE name = '新村'`);
    }, 180_000);

    it('refuses, before writing anything, a county whose ids, username or name clash, the same county twice, a tree without its county, and a non-empty target without --join', async () => {
      const before = await tableRows(target.url);
      // A second unnumbered county (under a name of its own): its ids from 1 collide with the first's.
      const second = join(dir, 'other-renamed.db');
      copyFileSync(other, second);
      const renamed = new Database(second);
      renamed.prepare(`UPDATE areas SET name = '白水县' WHERE parent_id IS NULL`).run();
      renamed.close();
      await expect(copySqliteToPg({ from: second, to: target.url, join: true })).rejects.toThrow(
        /^areas: [\d,]+ of the county's ids \(1–[\d,]+; the county's run 1–[\d,]+\) are already rows of the target\. .*JIFEN_COUNTY_NUMBER.*two unnumbered counties cannot share a database.*Nothing was written\./,
      );
      await expect(copySqliteToPg({ from: one, to: target.url, join: true })).rejects.toThrow(/the county 测试县1 \(area \d+\) is already in the target/);

      const three = join(dir, 'county-3.db');
      await makeCounty(three, 23, 3);
      const taken = join(dir, 'county-3-taken.db');
      copyFileSync(three, taken);
      let db = new Database(taken);
      db.prepare(`UPDATE users SET username = 'c1-county' WHERE username = 'c3-cadre'`).run();
      db.close();
      await expect(copySqliteToPg({ from: taken, to: target.url, join: true })).rejects.toThrow(/^users\.username: "c1-county" of the county is already taken in the target\. Usernames are unique/);

      const twin = join(dir, 'county-3-twin.db');
      copyFileSync(three, twin);
      db = new Database(twin);
      db.prepare(`UPDATE areas SET name = ? WHERE parent_id IS NULL`).run(provinceCountyName(2));
      db.close();
      await expect(copySqliteToPg({ from: twin, to: target.url, join: true })).rejects.toThrow(/already has a county named 测试县2/);

      const headless = join(dir, 'county-3-headless.db');
      copyFileSync(three, headless);
      db = new Database(headless);
      db.prepare(`UPDATE areas SET parent_id = NULL, path = '/' || id || '/' WHERE id = (SELECT MIN(id) FROM areas WHERE kind = 'township')`).run();
      db.close();
      await expect(copySqliteToPg({ from: headless, to: target.url, join: true })).rejects.toThrow(/is a township with no county above it/);

      const cli = await runCli(['--from', three, '--to', target.url]);
      expect(cli.code).toBe(1);
      expect(cli.err).toMatch(/REFUSED the target already holds data .*--join/);

      expect(await tableRows(target.url)).toEqual(before);
      expect(await progressTableExists(target.url)).toBe(false);
      // The clean county 3 still joins after all those refusals.
      const ok = await copySqliteToPg({ from: three, to: target.url, join: true });
      expect(ok.chainsChecked).toBe((await sourceHeads(three)).chains.length);
    }, 180_000);
  });

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
