/**
 * npm run backup / npm run restore with JIFEN_DATABASE_URL: pg_dump verified in a scratch database, photos beside the
 * dump, restore refusing bad dumps, busy and non-empty targets. The county is built on SQLite and moved by db:copy.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, openDb, openPgDb } from '../../db/client';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import { evidencePath, sha256Hex } from '../../db/evidence/files';
import { postLedgerEntry } from '../../db/ledger';
import { transaction } from '../../db/transaction';
import { verifyDatabase, type VerifyOk, type VerifyResult } from '../../db/verify';
import { generateCounty } from '../../seeds/generate';
import { freshDatabase, type FreshDatabase } from './support/database';
import { withUrlPath } from './support/names';

const NOW = new Date('2026-03-28T09:00:00.000Z');
// The app role's password on the test server; it must never reach the output.
const SECRET = 'jifen-test';
const dir = mkdtempSync(join(tmpdir(), 'jifen-backup-pg-'));
const county = join(dir, 'county.db');
const liveData = join(dir, 'live-data');
const PHOTO = Buffer.from('村干部拍的一张照片：清扫村道');
const PHOTO_HASH = sha256Hex(PHOTO);

const made: FreshDatabase[] = [];
let source: FreshDatabase;
let sourceVerdict: VerifyOk;

async function fresh(): Promise<FreshDatabase> {
  const db = await freshDatabase();
  made.push(db);
  return db;
}

/** The URL as an operator writes it: user and password in it. */
const withPassword = (url: string) => withUrlPath(url, new URL(url).pathname.slice(1), 'jifen', SECRET);

async function admin<R extends pg.QueryResultRow>(sql: string, database = 'postgres'): Promise<R[]> {
  const client = new pg.Client({ connectionString: withUrlPath(inject('pgAdminUrl'), database) });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function bareDatabase(): Promise<FreshDatabase> {
  const name = `jifen_t_bare_${process.pid}_${made.length}`;
  await admin(`CREATE DATABASE "${name}" OWNER jifen`);
  const db: FreshDatabase = { name, url: withUrlPath(inject('pgAppUrl'), name), drop: async () => void (await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)) };
  made.push(db);
  return db;
}

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function cli(script: 'backup' | 'restore', args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('JIFEN_') && !k.startsWith('PG')) clean[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `server/cli/${script}.ts`, ...args], { cwd: process.cwd(), env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      // Whatever happened, the password never shows.
      expect(out + err).not.toContain(SECRET);
      resolve({ code, out, err });
    });
  });
}

/** Nothing went wrong on stderr (the verifier may print timings there). */
const noErrors = (err: string) => expect(err).not.toMatch(/error|fail|warn|refuse/i);

const envFor = (url: string, dataDir: string) => ({ JIFEN_DATABASE_URL: withPassword(url), JIFEN_DB: join(dataDir, 'jifen.db') });

async function verifyPg(url: string, evidenceDir?: string): Promise<VerifyResult> {
  const db = await openPgDb({ url, dataDir: join(dir, 'verify-data'), migrate: false, poolSize: 2 });
  try {
    return await verifyDatabase(db, evidenceDir ? { evidenceDir } : {});
  } finally {
    await closeDb(db);
  }
}

const headLines = (v: VerifyOk) => v.chains.map((c) => `village ${c.villageName} (id ${c.villageId}): seq ${c.lastSeq} head ${c.hash}`);

async function scratchLeft(): Promise<string[]> {
  return (await admin<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'jifen_verify_%'`)).map((r) => r.datname);
}

async function count(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const db = openDb({ file: county });
  await generateCounty(db, { households: 80, months: 2, villages: 2, now: NOW, passwordHash: 'scrypt$1024$8$1$AAAA$AAAA', seed: 7, writer: 'bulk' });
  await closeDb(db);
  source = await fresh();
  await copySqliteToPg({ from: county, to: source.url });
  // One photo the database records, in the live data folder.
  await admin(`INSERT INTO evidence_files (hash, format, bytes, width, height, created_at) VALUES ('${PHOTO_HASH}', 'jpeg', ${PHOTO.length}, 1, 1, 0)`, source.name);
  const file = evidencePath(join(liveData, 'evidence'), PHOTO_HASH);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, PHOTO);
  const v = await verifyPg(source.url, join(liveData, 'evidence'));
  if (!v.ok) throw new Error(`the copied county does not verify: ${v.detail}`);
  expect(v.photos).toBe(1);
  sourceVerdict = v;
  const raw = new Database(county, { readonly: true });
  const onSqlite = (await verifyDatabase(raw)) as VerifyOk;
  raw.close();
  expect(v.chains).toEqual(onSqlite.chains);
}, 180_000);

afterAll(async () => {
  for (const db of made) await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run backup / restore on PostgreSQL', () => {
  const dump = join(dir, 'county.dump');

  it('dumps a copied county, verifies the dump in a scratch database it then drops, and keeps the photo beside it', async () => {
    const r = await cli('backup', [dump], envFor(source.url, liveData));
    noErrors(r.err);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual(headLines(sourceVerdict));
    expect(lines.at(-1)).toMatch(new RegExp(`^OK ${sourceVerdict.chains.length} village chains, ledger head ${sourceVerdict.head.hash} at entry ${sourceVerdict.head.lastEntryId};.* 1 photos; backup of postgres://jifen@127\\.0\\.0\\.1:\\d+/${source.name} written to ${dump}$`));
    expect(statSync(dump).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
    expect(existsSync(evidencePath(`${dump}.evidence`, PHOTO_HASH))).toBe(true);
    expect(await scratchLeft()).toEqual([]);
  }, 120_000);

  it('restores the dump into an empty migrated database and into a bare one: same chain heads, photo in place, ledger still append-only', async () => {
    for (const target of [await fresh(), await bareDatabase()]) {
      const data = join(dir, `restored-${target.name}`);
      const r = await cli('restore', [dump], envFor(target.url, data));
      noErrors(r.err);
      expect(r.code).toBe(0);
      const lines = r.out.trim().split('\n');
      expect(lines.slice(0, -1)).toEqual(headLines(sourceVerdict));
      expect(lines.at(-1)).toMatch(/^OK .* 1 photos; restored into postgres:\/\/jifen@/);
      expect(await verifyPg(target.url, join(data, 'evidence'))).toEqual(sourceVerdict);
      // The grants came back with the tables: the app role still cannot rewrite history.
      await expect(count(target.url, 'ledger_entries')).resolves.toBe(sourceVerdict.entries);
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      try {
        await expect(client.query('UPDATE ledger_entries SET points = points + 1 WHERE id = (SELECT min(id) FROM ledger_entries)')).rejects.toThrow();
      } finally {
        await client.end();
      }
    }
    expect(await scratchLeft()).toEqual([]);
  }, 180_000);

  it('refuses a target that holds data unless --force, and one a server is connected to even with --force', async () => {
    const target = await fresh();
    const data = join(dir, 'force-data');
    expect((await cli('restore', [dump], envFor(target.url, data))).code).toBe(0);
    // A household added after the restore: a refusal must leave it there.
    await admin(`UPDATE households SET head_name = '后来改的名字' WHERE id = (SELECT min(id) FROM households)`, target.name);

    const again = await cli('restore', [dump], envFor(target.url, data));
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/^FAIL restore refused: postgres:\/\/jifen@[^ ]+ holds data \(\d+ tables with rows: .*\); restore into an empty database, or pass --force/);
    expect(await count(target.url, `households WHERE head_name = '后来改的名字'`)).toBe(1);

    const server = new pg.Client({ connectionString: target.url });
    await server.connect();
    try {
      const busy = await cli('restore', [dump, '--force'], envFor(target.url, data));
      expect(busy.code).toBe(1);
      expect(busy.out).toMatch(/is in use: 1 other session is connected \(stop the servers first\)/);
    } finally {
      await server.end();
    }
    expect(await count(target.url, `households WHERE head_name = '后来改的名字'`)).toBe(1);

    const forced = await cli('restore', [dump, '--force'], envFor(target.url, data));
    expect(forced.code).toBe(0);
    expect(await count(target.url, `households WHERE head_name = '后来改的名字'`)).toBe(0);
    expect(await verifyPg(target.url, join(data, 'evidence'))).toEqual(sourceVerdict);
  }, 180_000);

  it('gives exit 3 for a tampered database, keeps the dump only as .unverified-, and restore refuses that file', async () => {
    const tampered = await fresh();
    await copySqliteToPg({ from: county, to: tampered.url });
    const id = Math.floor(sourceVerdict.head.lastEntryId / 2);
    await admin(`ALTER TABLE ledger_entries DISABLE TRIGGER USER; UPDATE ledger_entries SET points = points + 5 WHERE id = ${id}; ALTER TABLE ledger_entries ENABLE TRIGGER USER`, tampered.name);
    const bad = join(dir, 'tampered.dump');
    const r = await cli('backup', [bad], envFor(tampered.url, join(dir, 'tampered-data')));
    expect(r.code).toBe(3);
    expect(r.out).toMatch(new RegExp(`^FAIL hash at ledger_entries row ${id}: .*; dump written to ${bad}\\.unverified-[0-9TZ-]+ anyway`));
    expect(existsSync(bad)).toBe(false);
    const kept = readdirSync(dir).filter((f) => f.startsWith('tampered.dump.unverified-'));
    expect(kept).toHaveLength(1);
    expect(await scratchLeft()).toEqual([]);

    const target = await fresh();
    const refused = await cli('restore', [join(dir, kept[0])], envFor(target.url, join(dir, 'refused-data')));
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(new RegExp(`^FAIL hash at ledger_entries row ${id}: .*; backup refused, postgres://jifen@[^ ]+ unchanged`));
    expect(await count(target.url, 'ledger_entries')).toBe(0);
    expect(await scratchLeft()).toEqual([]);
  }, 180_000);

  it('refuses a file that is not a dump, and a role without CREATEDB before writing anything', async () => {
    const junk = join(dir, 'junk.dump');
    writeFileSync(junk, 'not a dump');
    const target = await fresh();
    const r = await cli('restore', [junk], envFor(target.url, join(dir, 'junk-data')));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL restore at dump row -: the dump does not restore: pg_restore failed: .*; backup refused/);

    await admin(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jifen_nocreate') THEN CREATE ROLE jifen_nocreate LOGIN NOCREATEDB; END IF; END $$`);
    const url = withUrlPath(source.url, source.name, 'jifen_nocreate', SECRET);
    const out = join(dir, 'nocreate.dump');
    const refused = await cli('backup', [out], { JIFEN_DATABASE_URL: url, JIFEN_DB: join(dir, 'nocreate', 'jifen.db') });
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/^FAIL backup of postgres:\/\/jifen_nocreate@.*: the role jifen_nocreate may not create databases: .*ALTER ROLE "jifen_nocreate" CREATEDB/);
    expect(readdirSync(dir).filter((f) => f.startsWith('nocreate.dump'))).toEqual([]);
  }, 120_000);

  it('never prints a password, in the URL or as a parameter, not even when the database is not there', async () => {
    const raw = `pw%'"@:/ 密码`;
    // The connection fails before the file is read.
    const someDump = join(dir, 'nowhere-input.dump');
    writeFileSync(someDump, 'x');
    for (const url of [
      withUrlPath(source.url, 'no_such_database', 'jifen', raw),
      `${withUrlPath(source.url, 'no_such_database')}?password=${encodeURIComponent(raw)}`,
    ]) {
      for (const r of [
        await cli('backup', [join(dir, 'nowhere.dump')], { JIFEN_DATABASE_URL: url, JIFEN_DB: join(dir, 'nowhere', 'jifen.db') }),
        await cli('restore', [someDump], { JIFEN_DATABASE_URL: url, JIFEN_DB: join(dir, 'nowhere', 'jifen.db') }),
      ]) {
        expect(r.code).toBe(1);
        expect(r.out).toMatch(/^FAIL (backup of|restore into) postgres:\/\/jifen@127\.0\.0\.1:\d+\/no_such_database: cannot connect to .*"no_such_database" does not exist/);
        for (const form of [raw, encodeURIComponent(raw), 'pw%']) expect(r.out + r.err).not.toContain(form);
      }
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('nowhere.dump'))).toEqual([]);
  }, 120_000);

  it('stopped mid-run (SIGTERM), leaves no scratch database, no partial file and no dump', async () => {
    const out = join(dir, 'stopped.dump');
    const clean: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('JIFEN_') && !k.startsWith('PG')) clean[k] = v;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/backup.ts', out], { env: { ...clean, ...envFor(source.url, liveData) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // The CREATEDB probe is dropped before the dump starts: a scratch database beside the partial dump is the one being verified.
    let verifying = false;
    for (let i = 0; i < 1200 && !verifying; i++) {
      verifying = existsSync(join(dir, `.stopped.dump.partial-${child.pid}`)) && (await scratchLeft()).length > 0;
      if (!verifying) await new Promise((r) => setTimeout(r, 25));
    }
    expect(verifying).toBe(true);
    child.kill('SIGTERM');
    expect(await closed).toBe(143);
    expect(err).toContain('interrupted (SIGTERM)');
    expect(await scratchLeft()).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.includes('stopped'))).toEqual([]);
  }, 120_000);

  it('takes three backups of a database at once, each verified in its own scratch database', async () => {
    const files = [1, 2, 3].map((i) => join(dir, `parallel-${i}.dump`));
    const runs = await Promise.all(files.map((f) => cli('backup', [f], envFor(source.url, liveData))));
    for (const r of runs) {
      expect(r.code).toBe(0);
      noErrors(r.err);
    }
    for (const f of files) expect(existsSync(evidencePath(`${f}.evidence`, PHOTO_HASH))).toBe(true);
    expect(await scratchLeft()).toEqual([]);
  }, 180_000);

  it('backs up while the app posts ledger entries: the dump is one snapshot, verifies, and restores to a state the source passed through', async () => {
    const db = await openPgDb({ url: source.url, dataDir: liveData, migrate: false, poolSize: 4 });
    // Ids are bigint (0003): the raw client reads them as text.
    const households = (await admin<{ id: string; village_id: string }>('SELECT min(id) AS id, village_id FROM households GROUP BY village_id ORDER BY village_id', source.name)).map((h) => ({ id: Number(h.id), village_id: Number(h.village_id) }));
    let writing = true;
    let posted = 0;
    const load = (async () => {
      for (let i = 0; writing; i++) {
        const h = households[i % households.length];
        await transaction(db, (tx) =>
          postLedgerEntry(tx, { householdId: h.id, villageId: h.village_id, kind: 'adjustment', points: 1, conductPoints: 0, occurredOn: '2026-03-28', note: `备份时写入 ${i}`, createdAt: NOW.getTime() + i }),
        );
        posted++;
      }
    })();
    const live = join(dir, 'live.dump');
    let r: Run;
    try {
      r = await cli('backup', [live], envFor(source.url, liveData));
    } finally {
      writing = false;
      await load;
      await closeDb(db);
    }
    expect(r.code).toBe(0);
    expect(posted).toBeGreaterThan(0);
    const target = await fresh();
    expect((await cli('restore', [live], envFor(target.url, join(dir, 'live-restored')))).code).toBe(0);
    const inDump = await count(target.url, 'ledger_entries');
    // Some writes landed in the dump's snapshot or after it, never half of one.
    expect(inDump).toBeGreaterThanOrEqual(sourceVerdict.entries);
    expect(inDump).toBeLessThanOrEqual(sourceVerdict.entries + posted);
    expect((await verifyPg(target.url)).ok).toBe(true);
    expect(await count(source.url, 'ledger_entries')).toBe(sourceVerdict.entries + posted);
  }, 180_000);
});
