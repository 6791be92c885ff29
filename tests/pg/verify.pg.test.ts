import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, openDb, openPgDb, type Db } from '../../db/client';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import { evidencePath, sha256Hex } from '../../db/evidence/files';
import { postLedgerEntry } from '../../db/ledger';
import { toPgPlaceholders, type SqlParam } from '../../db/sql';
import { transaction } from '../../db/transaction';
import { verifyDatabase, type VerifyOk, type VerifyResult } from '../../db/verify';
import { generateCounty } from '../../seeds/generate';
import { freshDatabase, type FreshDatabase } from './support/database';
import { withUrlPath } from './support/names';

const NOW = new Date('2026-03-28T09:00:00.000Z');
const dir = mkdtempSync(join(tmpdir(), 'jifen-verify-pg-'));
const county = join(dir, 'county.db');

let target: FreshDatabase;
let pgDb: Db;
let sqliteVerdict: VerifyOk;

/** What a tamper picks on: the same rows on both engines, since the copy keeps every id. */
interface Picks {
  entryId: number;
  householdId: number;
  period: string;
  goodsId: number;
  memberId: number;
  villages: { householdId: number; villageId: number }[];
}
let picks: Picks;

/** Runs statements as the superuser on the PostgreSQL copy, in one transaction. */
async function asSuperuser(statements: { sql: string; params?: SqlParam[] }[]): Promise<void> {
  const client = new pg.Client({ connectionString: withUrlPath(inject('pgAdminUrl'), target.name) });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const s of statements) await client.query(toPgPlaceholders(s.sql), s.params ?? []);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

/** A change made behind the app's back, written once and run on both engines. */
interface Tamper {
  name: string;
  table: string;
  sql: string;
  params: () => SqlParam[];
  undo: string;
  /** PostgreSQL needs the foreign-key triggers off too (session_replication_role = replica), not only the table's own. */
  pastForeignKeys?: boolean;
  expected: () => Partial<VerifyResult>;
}

const tampers: Tamper[] = [
  {
    name: 'a ledger entry’s points',
    table: 'ledger_entries',
    sql: 'UPDATE ledger_entries SET points = points + 5 WHERE id = ?',
    params: () => [picks.entryId],
    undo: 'UPDATE ledger_entries SET points = points - 5 WHERE id = ?',
    expected: () => ({ ok: false, what: 'hash', table: 'ledger_entries', rowId: picks.entryId, part: 'public' }),
  },
  {
    name: 'a ledger entry’s note (a private field)',
    table: 'ledger_entries',
    sql: `UPDATE ledger_entries SET note = COALESCE(note, '') || '改' WHERE id = ?`,
    params: () => [picks.entryId],
    undo: `UPDATE ledger_entries SET note = NULLIF(substr(note, 1, length(note) - 1), '') WHERE id = ?`,
    expected: () => ({ ok: false, what: 'hash', table: 'ledger_entries', rowId: picks.entryId, part: 'private' }),
  },
  {
    name: 'a household’s cached balance',
    table: 'households',
    sql: 'UPDATE households SET balance = balance + 7 WHERE id = ?',
    params: () => [picks.householdId],
    undo: 'UPDATE households SET balance = balance - 7 WHERE id = ?',
    expected: () => ({ ok: false, what: 'balance', table: 'households', rowId: picks.householdId }),
  },
  {
    name: 'a conduct score',
    table: 'household_period_scores',
    sql: 'UPDATE household_period_scores SET score = score + 1 WHERE household_id = ? AND period = ?',
    params: () => [picks.householdId, picks.period],
    undo: 'UPDATE household_period_scores SET score = score - 1 WHERE household_id = ? AND period = ?',
    expected: () => ({ ok: false, what: 'score', table: 'household_period_scores', rowId: `${picks.householdId}/${picks.period}` }),
  },
  {
    name: "a dashboard month total (the first village's first kept month)",
    table: 'ledger_month_totals',
    sql: `UPDATE ledger_month_totals SET points = points + 1
           WHERE (village_id, month, kind, category) = (SELECT village_id, month, kind, category FROM ledger_month_totals ORDER BY village_id, month, kind, category LIMIT 1)`,
    params: () => [],
    undo: `UPDATE ledger_month_totals SET points = points - 1
            WHERE (village_id, month, kind, category) = (SELECT village_id, month, kind, category FROM ledger_month_totals ORDER BY village_id, month, kind, category LIMIT 1)`,
    expected: () => ({ ok: false, what: 'totals', table: 'ledger_month_totals' }),
  },
  {
    name: 'a cached stock level',
    table: 'goods',
    sql: 'UPDATE goods SET stock = stock + 1 WHERE id = ?',
    params: () => [picks.goodsId],
    undo: 'UPDATE goods SET stock = stock - 1 WHERE id = ?',
    expected: () => ({ ok: false, what: 'stock', table: 'goods', rowId: picks.goodsId }),
  },
  {
    name: 'a household member of a household that does not exist',
    table: 'household_members',
    sql: `INSERT INTO household_members (id, household_id, name, created_at) VALUES (?, 999999, '无户成员', 0)`,
    params: () => [picks.memberId],
    undo: 'DELETE FROM household_members WHERE id = ?',
    pastForeignKeys: true,
    expected: () => ({ ok: false, what: 'foreign_key', table: 'household_members', rowId: picks.memberId, detail: 'references a missing households row' }),
  },
];

/** The same tamper on a fresh copy of the SQLite county (its append-only triggers dropped, foreign keys off). */
async function verifyTamperedSqlite(t: Tamper): Promise<VerifyResult> {
  const file = join(dir, `tampered-${tampers.indexOf(t)}.db`);
  copyFileSync(county, file);
  const db = new Database(file);
  try {
    db.pragma('foreign_keys = OFF');
    for (const { name } of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).all() as { name: string }[]) db.exec(`DROP TRIGGER "${name}"`);
    db.prepare(t.sql).run(...t.params());
    return await verifyDatabase(db);
  } finally {
    db.close();
  }
}

async function tamperPg(t: Tamper, sql: string): Promise<void> {
  await asSuperuser([
    { sql: t.pastForeignKeys ? 'SET LOCAL session_replication_role = replica' : `ALTER TABLE ${t.table} DISABLE TRIGGER USER` },
    { sql, params: t.params() },
    { sql: t.pastForeignKeys ? 'SELECT 1' : `ALTER TABLE ${t.table} ENABLE TRIGGER USER` },
  ]);
}

function verifyCli(env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('JIFEN_') && !k.startsWith('PG')) clean[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/verify.ts'], { cwd: process.cwd(), env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  const db = openDb({ file: county });
  await generateCounty(db, { households: 120, months: 3, villages: 3, now: NOW, passwordHash: 'scrypt$1024$8$1$AAAA$AAAA', seed: 15, writer: 'bulk', auditHistory: true });
  const c = db.$client;
  const entries = (c.prepare('SELECT MAX(id) AS n FROM ledger_entries').get() as { n: number }).n;
  const score = c.prepare('SELECT household_id AS householdId, period FROM household_period_scores WHERE score <> 0 ORDER BY household_id, period LIMIT 1').get() as { householdId: number; period: string };
  picks = {
    entryId: Math.floor(entries / 2),
    householdId: score.householdId,
    period: score.period,
    goodsId: (c.prepare('SELECT MIN(id) AS id FROM goods').get() as { id: number }).id,
    memberId: (c.prepare('SELECT MAX(id) AS id FROM household_members').get() as { id: number }).id + 1000,
    villages: c.prepare('SELECT MIN(id) AS householdId, village_id AS villageId FROM households GROUP BY village_id ORDER BY village_id').all() as Picks['villages'],
  };
  await closeDb(db);
  const raw = new Database(county, { readonly: true });
  sqliteVerdict = (await verifyDatabase(raw)) as VerifyOk;
  raw.close();
  expect(sqliteVerdict.ok).toBe(true);
  target = await freshDatabase();
  await copySqliteToPg({ from: county, to: target.url });
  pgDb = await openPgDb({ url: target.url, dataDir: join(dir, 'pg-data'), migrate: false });
}, 180_000);

afterAll(async () => {
  if (pgDb) await closeDb(pgDb);
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('verifyDatabase on PostgreSQL', () => {
  it('gives a county copied from SQLite the same verdict as its source: chain heads, head entry, entries, households, goods', async () => {
    const r = await verifyDatabase(pgDb);
    expect(r).toEqual(sqliteVerdict);
    expect(sqliteVerdict.chains.length).toBeGreaterThan(1);
    expect(sqliteVerdict.entries).toBeGreaterThan(400);
    expect(sqliteVerdict.households).toBe(120);
    expect(sqliteVerdict.goods).toBeGreaterThan(0);
  });

  it('gives five verifications at once the same verdict, each on its own snapshot', async () => {
    const all = await Promise.all(Array.from({ length: 5 }, () => verifyDatabase(pgDb)));
    for (const r of all) expect(r).toEqual(sqliteVerdict);
  });

  for (const t of tampers) {
    it(`catches ${t.name} changed by a superuser, naming the same row and failure as on SQLite; clean again once undone`, async () => {
      const onSqlite = await verifyTamperedSqlite(t);
      expect(onSqlite).toMatchObject(t.expected());
      await tamperPg(t, t.sql);
      try {
        expect(await verifyDatabase(pgDb)).toEqual(onSqlite);
      } finally {
        await tamperPg(t, t.undo);
      }
      expect(await verifyDatabase(pgDb)).toEqual(sqliteVerdict);
    });
  }
});

describe('npm run verify with JIFEN_DATABASE_URL', () => {
  const dataDir = join(dir, 'server-data');
  const env = () => ({ JIFEN_DATABASE_URL: target.url, JIFEN_DB: join(dataDir, 'jifen.db') });

  it('prints every village chain head and OK (exit 0), then FAIL naming the row after tampering (exit 1)', async () => {
    const clean = await verifyCli(env());
    expect(clean.err).toBe('');
    expect(clean.code).toBe(0);
    for (const c of sqliteVerdict.chains) expect(clean.out).toContain(`village ${c.villageName} (id ${c.villageId}): seq ${c.lastSeq} head ${c.hash}`);
    expect(clean.out.trim().split('\n').at(-1)).toBe(
      `OK ${sqliteVerdict.chains.length} village chains, ledger head ${sqliteVerdict.head.hash} at entry ${sqliteVerdict.head.lastEntryId}; ${sqliteVerdict.entries} entries, ${sqliteVerdict.households} households, ${sqliteVerdict.goods} goods`,
    );

    const points = tampers[0];
    await tamperPg(points, points.sql);
    try {
      const bad = await verifyCli(env());
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(new RegExp(`^FAIL hash at ledger_entries row ${picks.entryId}: the public part of entry \\d+ of village \\d+`));
    } finally {
      await tamperPg(points, points.undo);
    }
  }, 60_000);

  it('checks the photos the database records in the server’s data folder: missing is exit 1, present and intact is exit 0', async () => {
    const bytes = Buffer.from('一张村干部拍的照片');
    const hash = sha256Hex(bytes);
    await asSuperuser([{ sql: `INSERT INTO evidence_files (hash, format, bytes, width, height, created_at) VALUES (?, 'jpeg', ?, 1, 1, 0)`, params: [hash, bytes.length] }]);
    const missing = await verifyCli(env());
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(new RegExp(`^FAIL evidence at evidence_files row ${hash}: photo file .*server-data/evidence/.* is missing`));
    const file = evidencePath(join(dataDir, 'evidence'), hash);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    const present = await verifyCli(env());
    expect(present.code).toBe(0);
    expect(present.out).toMatch(/goods, 1 photos\n$/);
    writeFileSync(file, Buffer.from('换了一张'));
    const changed = await verifyCli(env());
    expect(changed.code).toBe(1);
    expect(changed.out).toMatch(/^FAIL evidence at evidence_files row [0-9a-f]{64}: .* was changed/);
    rmSync(join(dataDir, 'evidence'), { recursive: true, force: true });
    // Replica role: the foreign-key check from award_evidence would need a privilege the migrations revoke.
    await asSuperuser([{ sql: 'SET LOCAL session_replication_role = replica' }, { sql: 'DELETE FROM evidence_files WHERE hash = ?', params: [hash] }]);
    expect(await verifyCli(env())).toMatchObject({ code: 0 });
  }, 60_000);

  it('refuses a half-done PostgreSQL setting with exit 2 instead of verifying the SQLite file', async () => {
    const r = await verifyCli({ JIFEN_DATABASE_POOL: '4', JIFEN_DB: county });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^FAIL JIFEN_DATABASE_POOL is set but JIFEN_DATABASE_URL is not/);
    expect(r.out).toBe('');
  }, 30_000);
});

describe('verifyDatabase on PostgreSQL while the app writes', () => {
  it('sees one consistent snapshot: verifications running beside 20 parallel postings all pass, and the last one counts every posting', async () => {
    const before = sqliteVerdict.entries;
    const writes = Array.from({ length: 20 }, (_, i) => {
      const v = picks.villages[i % picks.villages.length];
      return transaction(pgDb, (tx) =>
        postLedgerEntry(tx, { householdId: v.householdId, villageId: v.villageId, kind: 'adjustment', points: 3, conductPoints: 0, occurredOn: '2026-03-28', note: `并发核对 ${i}`, createdAt: NOW.getTime() + i }),
      );
    });
    const checks = Array.from({ length: 3 }, () => verifyDatabase(pgDb));
    await Promise.all(writes);
    for (const r of await Promise.all(checks)) {
      expect(r.ok, r.ok ? '' : `${r.what} ${r.table} ${r.rowId}: ${r.detail}`).toBe(true);
      if (r.ok) expect(r.entries).toBeGreaterThanOrEqual(before);
      if (r.ok) expect(r.entries).toBeLessThanOrEqual(before + 20);
    }
    const after = await verifyDatabase(pgDb);
    expect(after).toMatchObject({ ok: true, entries: before + 20, households: 120 });
  }, 60_000);
});
