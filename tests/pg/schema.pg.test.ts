/**
 * The PostgreSQL schema against the SQLite one it mirrors: same tables, columns, keys, indexes, foreign keys and
 * checks, and the same append-only rules refusing the same writes with the same messages. Each rule is tried on
 * both engines with the same SQL, so a trigger changed on one side only fails here.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, closeDb, type Db } from '../../db/client';
import { migratePg, pgMigrationsFolder } from '../../db/pg/migrate';
import * as liteSchema from '../../db/schema';
import { freshDatabase, type FreshDatabase } from './support/database';
import { withUrlPath } from './support/names';

type Outcome = { ok: true } | { ok: false; code: string; message: string };

async function onPg(client: pg.Client, sql: string): Promise<Outcome> {
  try {
    await client.query(sql);
    return { ok: true };
  } catch (err) {
    const e = err as { code?: string; message: string };
    return { ok: false, code: e.code ?? '', message: e.message };
  }
}

function onLite(client: Database.Database, sql: string): Outcome {
  try {
    client.exec(sql);
    return { ok: true };
  } catch (err) {
    const e = err as { code?: string; message: string };
    return { ok: false, code: e.code ?? '', message: e.message };
  }
}

/** Rows every rule below is tried on; plain SQL both engines run (explicit ids, TRUE/FALSE literals). */
const FIXTURE = `
  INSERT INTO areas (id, name, kind, parent_id, path, created_at) VALUES
    (1, '县', 'county', NULL, '/1/', 1), (2, '乡', 'township', 1, '/1/2/', 1), (3, '村', 'village', 2, '/1/2/3/', 1);
  INSERT INTO users (id, username, password_hash, role, area_id, created_at, updated_at) VALUES
    (1, 'cadre', 'x', 'village_cadre', 3, 1, 1), (2, 'reviewer', 'x', 'reviewer', 3, 1, 1);
  INSERT INTO households (id, village_id, head_name, created_at, updated_at) VALUES (1, 3, '张三明', 1, 1);
  INSERT INTO household_category_history (id, household_id, category, valid_from, created_at) VALUES (1, 1, 'general', '2026-01-01', 1);
  INSERT INTO rules (id, area_id, category, name, points, created_at, updated_at) VALUES (1, 3, 'hygiene', '庭院整洁', 5, 1, 1);
  INSERT INTO rule_versions (id, rule_id, version, category, name, points, unit, evidence_required, black_list, created_at)
    VALUES (1, 1, 1, 'hygiene', '庭院整洁', 5, '次', FALSE, FALSE, 1);
  INSERT INTO awards (id, household_id, village_id, rule_id, rule_version_id, quantity, points, occurred_on, status, proposed_by, proposed_at)
    VALUES (1, 1, 3, 1, 1, 1, 5, '2026-03-01', 'posted', 1, 1);
  INSERT INTO ledger_entries (id, household_id, village_id, kind, points, balance_after, conduct_points, occurred_on, created_at, prev_hash, hash, chain_id, seq, hash_version)
    VALUES (1, 1, 3, 'award', 5, 5, 5, '2026-03-01', 1, '00', 'aa', 3, 1, 2);
  INSERT INTO goods (id, store_area_id, name, price, created_at, updated_at) VALUES (1, 3, '食用油', 10, 1, 1);
  INSERT INTO stock_movements (id, goods_id, store_area_id, kind, quantity, stock_after, created_at) VALUES (1, 1, 3, 'purchase', 5, 5, 1);
  INSERT INTO audit_log (id, entity, entity_id, action, created_at) VALUES (1, 'household', '1', 'create', 1);
  INSERT INTO evidence_files (hash, format, bytes, width, height, created_at) VALUES ('ef', 'jpeg', 1, 1, 1, 1);
  INSERT INTO award_evidence (award_id, hash, position) VALUES (1, 'ef', 0);
  INSERT INTO evidence_uploads (hash, user_id, uploaded_at) VALUES ('ef', 1, 1);
  INSERT INTO fund_entries (id, store_area_id, kind, source, amount_fen, on_day, created_at) VALUES (1, 3, 'funding', 'budget', 100, '2026-03-01', 1);
  INSERT INTO fund_entries (id, store_area_id, kind, amount_fen, on_day, movement_id, goods_id, quantity, created_at) VALUES (2, 3, 'purchase', -50, '2026-03-01', 1, 1, 5, 1);
  INSERT INTO fund_entries (id, store_area_id, kind, amount_fen, on_day, reverses_id, created_at) VALUES (3, 3, 'reversal', -100, '2026-03-02', 1, 2);
  INSERT INTO checkpoints (id, county_id, seq, issued_at, reason, body, hash, signature, key_fingerprint) VALUES (1, 1, 1, 1, 'daily', '{}', 'h', 's', 'k');
  INSERT INTO board_publications (id, kind, area_id, period, params, snapshot, hash, chain_entry_id, chain_hash, status, proposed_by, proposed_at) VALUES
    (1, 'red', 3, '2026', '{}', '[]', 'h', 1, 'aa', 'approved', 1, 1), (2, 'red', 3, '2027', '{}', '[]', 'h', 1, 'aa', 'pending', 1, 1);
  INSERT INTO board_publications (id, kind, area_id, period, params, snapshot, hash, chain_entry_id, chain_hash, checkpoint_id, status, proposed_by, proposed_at)
    VALUES (3, 'red', 3, '2028', '{}', '[]', 'h', 1, 'aa', 1, 'pending', 1, 1);
  INSERT INTO rectifications (id, ledger_entry_id, household_id, village_id, note, rectified_on, status, proposed_by, proposed_at) VALUES
    (1, 1, 1, 3, 'n', '2026-03-02', 'approved', 1, 1), (2, 1, 1, 3, 'n', '2026-03-02', 'pending', 1, 1);
`;

/** Tables nothing may update or delete, with one UPDATE and one DELETE of their fixture row. */
const appendOnly: Record<string, { update: string; del: string }> = {
  ledger_entries: { update: `UPDATE ledger_entries SET note = 'x' WHERE id = 1`, del: `DELETE FROM ledger_entries WHERE id = 1` },
  stock_movements: { update: `UPDATE stock_movements SET quantity = 6 WHERE id = 1`, del: `DELETE FROM stock_movements WHERE id = 1` },
  audit_log: { update: `UPDATE audit_log SET action = 'x' WHERE id = 1`, del: `DELETE FROM audit_log WHERE id = 1` },
  household_category_history: {
    update: `UPDATE household_category_history SET category = 'dibao' WHERE id = 1`,
    del: `DELETE FROM household_category_history WHERE id = 1`,
  },
  award_evidence: { update: `UPDATE award_evidence SET position = 1 WHERE award_id = 1`, del: `DELETE FROM award_evidence WHERE award_id = 1` },
  evidence_files: { update: `UPDATE evidence_files SET bytes = 2 WHERE hash = 'ef'`, del: `DELETE FROM evidence_files WHERE hash = 'ef'` },
  fund_entries: { update: `UPDATE fund_entries SET note = 'x' WHERE id = 1`, del: `DELETE FROM fund_entries WHERE id = 1` },
  checkpoints: { update: `UPDATE checkpoints SET body = 'x' WHERE id = 1`, del: `DELETE FROM checkpoints WHERE id = 1` },
};

/** Every foreign key into an append-only table; FIXTURE inserts a row through each (they must pass their FK check). */
const fksIntoAppendOnly = [
  'award_evidence.hash -> evidence_files.hash',
  'board_publications.checkpoint_id -> checkpoints.id',
  'evidence_uploads.hash -> evidence_files.hash',
  'fund_entries.movement_id -> stock_movements.id',
  'fund_entries.reverses_id -> fund_entries.id',
  'rectifications.ledger_entry_id -> ledger_entries.id',
];

/** Tables PostgreSQL has and SQLite does not. */
const pgOnlyTables = ['data_version'];

/** Ids of the tables that may pass 2^31 rows in a province, wherever another table keeps one (FK or not). */
const bigIdColumns = ['ledger_entry_id', 'chain_entry_id', 'award_id', 'redemption_id', 'movement_id'];
/** Named like an id but not a bigint one: the one-row table's constant key, the audit's text key of any entity. */
const notIds = ['data_version.id', 'audit_log.entity_id'];

let fresh: FreshDatabase;
let client: pg.Client;
let liteDb: Db;
let lite: Database.Database;

beforeAll(async () => {
  fresh = await freshDatabase();
  client = new pg.Client({ connectionString: fresh.url });
  await client.connect();
  liteDb = openDb({ file: ':memory:' });
  lite = liteDb.$client;
});

afterAll(async () => {
  await client?.end();
  await fresh?.drop();
  if (liteDb) closeDb(liteDb);
});

async function appliedMigrations(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations')).rows[0].n);
  } finally {
    await c.end();
  }
}

describe('migrations', () => {
  it('apply to an empty database, and a second run applies nothing', async () => {
    const name = `${fresh.name}_empty`;
    // The test role has CREATEDB: the database is built from template1, with none of the template's tables.
    await client.query(`CREATE DATABASE "${name}"`);
    const url = withUrlPath(fresh.url, name);
    try {
      await migratePg(url);
      const files = (JSON.parse(readFileSync(join(pgMigrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
      expect(await appliedMigrations(url)).toBe(files);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const tables = async () => Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n);
      const before = await tables();
      expect(before).toBeGreaterThan(30);
      await migratePg(url);
      expect(await appliedMigrations(url)).toBe(files);
      expect(await tables()).toBe(before);
      // The one-row tables were not filled twice.
      expect((await c.query(`SELECT id, version::int AS version FROM data_version`)).rows).toEqual([{ id: 1, version: 0 }]);
      expect((await c.query(`SELECT count(*)::int AS n FROM rule_headings`)).rows[0].n).toBe(7);
      await c.end();
    } finally {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it('eight servers migrating one empty database at once apply each migration exactly once', async () => {
    const name = `${fresh.name}_race`;
    await client.query(`CREATE DATABASE "${name}"`);
    const url = withUrlPath(fresh.url, name);
    try {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => migratePg(url)));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const rows = (await c.query<{ hash: string }>('SELECT hash FROM drizzle.__drizzle_migrations')).rows;
      expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
      expect((await c.query(`SELECT count(*)::int AS n FROM rule_headings`)).rows[0].n).toBe(7);
      await c.end();
    } finally {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it('a database copied from the migrated template is up to date: migrating it again changes nothing', async () => {
    const before = await appliedMigrations(fresh.url);
    await migratePg(fresh.url);
    expect(await appliedMigrations(fresh.url)).toBe(before);
  });
});

interface LiteColumn {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}
interface PgColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
}

const liteTables = (): string[] =>
  (lite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name`).all() as { name: string }[]).map(
    (r) => r.name,
  );

/** SQLite and PostgreSQL spell the same default differently: 'x' vs 'x'::text. */
const normDefault = (d: string | null) => (d === null ? null : d.replace(/::[a-z ]+$/, ''));

/** Columns the SQLite schema declares as booleans (integer 0/1 there, boolean here). */
function liteBooleans(): Set<string> {
  const out = new Set<string>();
  for (const value of Object.values(liteSchema)) {
    if (!is(value, SQLiteTable)) continue;
    const config = getTableConfig(value);
    for (const col of config.columns) if (col.columnType === 'SQLiteBoolean') out.add(`${config.name}.${col.name}`);
  }
  return out;
}

describe('the PostgreSQL schema mirrors the SQLite one', () => {
  it('has every SQLite table, and only those plus its own data_version', async () => {
    const pgTables = (await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows.map((r) => r.tablename);
    expect(pgTables).toEqual([...liteTables(), ...pgOnlyTables].sort());
  });

  it('has every column with the same name, type family, nullability, default and primary key', async () => {
    const booleans = liteBooleans();
    expect(booleans.size).toBeGreaterThan(10);
    const pgColumns = (
      await client.query<PgColumn>(
        `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public'`,
      )
    ).rows;
    const pgPk = (
      await client.query<{ table_name: string; cols: string[] }>(
        `SELECT c.conrelid::regclass::text AS table_name, array_agg(a.attname::text ORDER BY k.ord) AS cols
           FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
          WHERE c.contype = 'p' AND c.connamespace = 'public'::regnamespace GROUP BY c.conrelid`,
      )
    ).rows;
    const problems: string[] = [];
    let checked = 0;
    for (const table of liteTables()) {
      const liteCols = lite.prepare(`PRAGMA table_info("${table}")`).all() as LiteColumn[];
      const mine = pgColumns.filter((c) => c.table_name === table);
      if (mine.length !== liteCols.length) problems.push(`${table}: ${liteCols.length} columns on SQLite, ${mine.length} on PostgreSQL`);
      for (const col of liteCols) {
        const key = `${table}.${col.name}`;
        const p = mine.find((c) => c.column_name === col.name);
        if (!p) {
          problems.push(`${key}: missing`);
          continue;
        }
        checked++;
        const liteType = col.type.toLowerCase();
        const expected =
          liteType === 'text'
            ? ['text']
            : liteType === 'blob'
              ? ['bytea']
              : booleans.has(key)
                ? ['boolean']
                : /(_at|^window_start|^locked_until)$/.test(col.name)
                  ? ['bigint']
                  : ['integer', 'bigint'];
        if (!expected.includes(p.data_type)) problems.push(`${key}: ${liteType} on SQLite, ${p.data_type} on PostgreSQL (expected ${expected.join(' or ')})`);
        if ((col.notnull === 1) !== (p.is_nullable === 'NO')) problems.push(`${key}: not null ${col.notnull === 1} on SQLite, ${p.is_nullable === 'NO'} on PostgreSQL`);
        if (normDefault(col.dflt_value) !== normDefault(p.column_default)) problems.push(`${key}: default ${col.dflt_value} on SQLite, ${p.column_default} on PostgreSQL`);
      }
      const litePk = liteCols
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      const pk = pgPk.find((r) => r.table_name === table)?.cols ?? [];
      if (litePk.join(',') !== pk.join(',')) problems.push(`${table}: primary key (${litePk}) on SQLite, (${pk}) on PostgreSQL`);
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  });

  it('has every SQLite index with the same name, columns, uniqueness and partiality', async () => {
    const liteIndexes: string[] = [];
    for (const table of liteTables()) {
      const list = lite.prepare(`PRAGMA index_list("${table}")`).all() as { name: string; unique: number; origin: string; partial: number }[];
      for (const ix of list) {
        if (ix.origin === 'pk') continue;
        const cols = (lite.prepare(`PRAGMA index_info("${ix.name}")`).all() as { name: string }[]).map((c) => c.name);
        liteIndexes.push(`${table}.${ix.name}(${cols.join(',')}) unique=${ix.unique === 1} partial=${ix.partial === 1}`);
      }
    }
    const pgIndexes = (
      await client.query<{ line: string }>(
        `SELECT t.relname || '.' || i.relname || '(' ||
                (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) ||
                ') unique=' || x.indisunique || ' partial=' || (x.indpred IS NOT NULL) AS line
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
          WHERE t.relnamespace = 'public'::regnamespace AND NOT x.indisprimary`,
      )
    ).rows.map((r) => r.line);
    expect(liteIndexes.length).toBeGreaterThan(40);
    expect(pgIndexes.sort()).toEqual(liteIndexes.sort());
  });

  it('has every SQLite foreign key, each between columns of one type', async () => {
    const liteFks: string[] = [];
    for (const table of liteTables()) {
      const list = lite.prepare(`PRAGMA foreign_key_list("${table}")`).all() as { table: string; from: string; to: string }[];
      for (const fk of list) liteFks.push(`${table}.${fk.from} -> ${fk.table}.${fk.to}`);
    }
    const pgFks = (
      await client.query<{ line: string; from_type: string; to_type: string }>(
        `SELECT c.conrelid::regclass::text || '.' || fa.attname || ' -> ' || c.confrelid::regclass::text || '.' || ta.attname AS line,
                format_type(fa.atttypid, fa.atttypmod) AS from_type, format_type(ta.atttypid, ta.atttypmod) AS to_type
           FROM pg_constraint c
           JOIN pg_attribute fa ON fa.attrelid = c.conrelid AND fa.attnum = c.conkey[1]
           JOIN pg_attribute ta ON ta.attrelid = c.confrelid AND ta.attnum = c.confkey[1]
          WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`,
      )
    ).rows;
    expect(liteFks.length).toBeGreaterThan(50);
    expect(pgFks.map((r) => r.line).sort()).toEqual(liteFks.sort());
    expect(pgFks.filter((r) => r.from_type !== r.to_type)).toEqual([]);
  });

  it('keeps every id in bigint wherever it is stored, identity sequences included (county ranges, db/idRange.ts)', async () => {
    const narrow = (
      await client.query<{ col: string }>(
        `SELECT table_name || '.' || column_name AS col FROM information_schema.columns
          WHERE table_schema = 'public' AND (column_name = 'id' OR column_name LIKE '%\\_id' OR column_name LIKE '%\\_by')
            AND data_type <> 'bigint' AND table_name || '.' || column_name <> ALL($1) ORDER BY 1`,
        [notIds],
      )
    ).rows.map((r) => r.col);
    expect(narrow).toEqual([]);
    const ids = (
      await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'id' AND data_type = 'bigint'`)
    ).rows;
    expect(ids.length).toBeGreaterThan(20);
    for (const col of bigIdColumns) expect(narrow.some((c) => c.endsWith(`.${col}`))).toBe(false);
    const sequences = (await client.query<{ sequencename: string; data_type: string }>(`SELECT sequencename, data_type::text FROM pg_sequences WHERE schemaname = 'public'`)).rows;
    expect(sequences.length).toBe(ids.length);
    expect(sequences.filter((s) => s.data_type !== 'bigint')).toEqual([]);
  });

  it('has the SQLite check constraints, and a trigger of the same name for every SQLite trigger', async () => {
    const liteSql = (lite.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table'`).all() as { sql: string }[]).map((r) => r.sql).join('\n');
    const liteChecks = [...liteSql.matchAll(/CONSTRAINT "([^"]+)" CHECK/g)].map((m) => m[1]);
    const pgChecks = (await client.query<{ conname: string }>(`SELECT conname FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace`)).rows.map(
      (r) => r.conname,
    );
    expect(liteChecks).toEqual(['fund_entries_kind_shape']);
    expect(pgChecks.sort()).toEqual([...liteChecks, 'data_version_one_row'].sort());

    const liteTriggers = (lite.prepare(`SELECT tbl_name || '.' || name AS t FROM sqlite_master WHERE type = 'trigger'`).all() as { t: string }[]).map((r) => r.t);
    const pgTriggers = (
      await client.query<{ t: string }>(`SELECT c.relname || '.' || tgname AS t FROM pg_trigger JOIN pg_class c ON c.oid = tgrelid WHERE NOT tgisinternal`)
    ).rows.map((r) => r.t);
    expect(liteTriggers.length).toBeGreaterThan(20);
    expect(liteTriggers.filter((t) => !pgTriggers.includes(t))).toEqual([]);
  });

  it('starts with the same built-in heading template as SQLite', async () => {
    const q = `SELECT id, area_id, code, name, sort_order, star_dimension, black_list, active FROM rule_headings ORDER BY id`;
    const liteRows = (lite.prepare(q).all() as Record<string, unknown>[]).map((r) => ({ ...r, black_list: Boolean(r.black_list), active: Boolean(r.active) }));
    // The raw client reads bigint as text (the app's pool reads it as a number: db/pg/pool.ts).
    expect((await client.query<{ id: string }>(q)).rows.map((r) => ({ ...r, id: Number(r.id) }))).toEqual(liteRows);
  });
});

describe('append-only rules hold on PostgreSQL as on SQLite', () => {
  beforeAll(async () => {
    lite.exec(FIXTURE);
    await client.query(FIXTURE);
  });

  it('rows referencing an append-only table pass their foreign-key check (it locks the referenced row as the owner)', async () => {
    // FIXTURE went in through every such key; a new one must join it, or its inserts may fail on PostgreSQL only.
    const edges = (
      await client.query<{ line: string }>(
        `SELECT c.conrelid::regclass::text || '.' || fa.attname || ' -> ' || c.confrelid::regclass::text || '.' || ta.attname AS line
           FROM pg_constraint c
           JOIN pg_attribute fa ON fa.attrelid = c.conrelid AND fa.attnum = c.conkey[1]
           JOIN pg_attribute ta ON ta.attrelid = c.confrelid AND ta.attnum = c.confkey[1]
          WHERE c.contype = 'f' AND c.confrelid::regclass::text = ANY($1)`,
        [Object.keys(appendOnly)],
      )
    ).rows.map((r) => r.line);
    expect(edges.sort()).toEqual(fksIntoAppendOnly);
    const n = async (sql: string) => (await client.query<{ n: number }>(sql)).rows[0].n;
    expect(await n(`SELECT count(*)::int AS n FROM rectifications`)).toBe(2);
    expect(await n(`SELECT count(*)::int AS n FROM evidence_uploads`)).toBe(1);
    expect(await n(`SELECT count(*)::int AS n FROM award_evidence`)).toBe(1);
    expect(await n(`SELECT count(*)::int AS n FROM fund_entries WHERE movement_id = 1 OR reverses_id = 1`)).toBe(2);
    expect(await n(`SELECT count(*)::int AS n FROM board_publications WHERE checkpoint_id = 1`)).toBe(1);
  });

  it('the role that ran the migrations has no UPDATE, DELETE or TRUNCATE on an append-only table (42501)', async () => {
    for (const [table, { update, del }] of Object.entries(appendOnly)) {
      for (const sql of [update, del, `TRUNCATE ${table} CASCADE`]) {
        const out = await onPg(client, sql);
        expect(out, `${sql}`).toMatchObject({ ok: false, code: '42501' });
      }
    }
    for (const sql of [`DELETE FROM board_publications WHERE id = 2`, `DELETE FROM rectifications WHERE id = 2`, `DELETE FROM data_version`]) {
      expect(await onPg(client, sql), sql).toMatchObject({ ok: false, code: '42501' });
    }
    // The owner keeps UPDATE on the referenced key only (foreign-key checks need it): the trigger refuses that.
    for (const sql of [`UPDATE ledger_entries SET id = 99 WHERE id = 1`, `UPDATE evidence_files SET hash = 'eg' WHERE hash = 'ef'`, `UPDATE checkpoints SET id = 9 WHERE id = 1`]) {
      const expected = onLite(lite, sql);
      expect(expected, `SQLite: ${sql}`).toMatchObject({ ok: false });
      expect(await onPg(client, sql), sql).toEqual({ ...expected, code: '23000' });
    }
  });

  it('with the privileges granted back, the triggers refuse the same writes with the SQLite messages', async () => {
    const tables = [...Object.keys(appendOnly), 'board_publications', 'rectifications'];
    await client.query(`GRANT UPDATE, DELETE, TRUNCATE ON ${tables.join(', ')} TO CURRENT_USER`);
    for (const { update, del } of Object.values(appendOnly)) {
      for (const sql of [update, del]) {
        const expected = onLite(lite, sql);
        expect(expected, `SQLite: ${sql}`).toMatchObject({ ok: false });
        const out = await onPg(client, sql);
        expect(out, sql).toEqual({ ok: false, code: '23000', message: (expected as { message: string }).message });
      }
    }
    // TRUNCATE skips row triggers, so it has its own; a table others reference is refused before it fires.
    expect(await onPg(client, 'TRUNCATE audit_log')).toEqual({ ok: false, code: '23000', message: 'audit_log is append-only' });
    for (const table of Object.keys(appendOnly)) {
      expect(await onPg(client, `TRUNCATE ${table} CASCADE`), table).toMatchObject({ ok: false, code: '23000' });
      expect((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, table).toBeGreaterThan(0);
    }
  });

  it('boards and rectifications: decided rows, snapshots and checkpoints frozen, nothing deleted; a pending one can be decided', async () => {
    const cases = [
      `UPDATE board_publications SET snapshot = '[1]' WHERE id = 2`,
      `UPDATE board_publications SET params = '{"x":1}' WHERE id = 2`,
      `UPDATE board_publications SET checkpoint_id = 1 WHERE id = 2`,
      `UPDATE board_publications SET status = 'rejected' WHERE id = 1`,
      `UPDATE board_publications SET snapshot = '[1]' WHERE id = 1`,
      `UPDATE board_publications SET checkpoint_id = 1 WHERE id = 1`,
      `DELETE FROM board_publications WHERE id = 2`,
      `UPDATE rectifications SET note = 'm' WHERE id = 1`,
      `DELETE FROM rectifications WHERE id = 2`,
    ];
    for (const sql of cases) {
      const expected = onLite(lite, sql);
      expect(expected, `SQLite: ${sql}`).toMatchObject({ ok: false });
      expect(await onPg(client, sql), sql).toEqual({ ...expected, code: '23000' });
    }
    for (const sql of [
      `UPDATE board_publications SET status = 'approved', version = 1, reviewed_by = 2, reviewed_at = 2 WHERE id = 2`,
      `UPDATE rectifications SET status = 'approved', reviewed_by = 2, reviewed_at = 2 WHERE id = 2`,
    ]) {
      expect(onLite(lite, sql), `SQLite: ${sql}`).toEqual({ ok: true });
      expect(await onPg(client, sql), sql).toEqual({ ok: true });
    }
    // Once decided, the same row is final on both.
    const again = `UPDATE rectifications SET note = 'later' WHERE id = 2`;
    expect(await onPg(client, again)).toEqual({ ...onLite(lite, again), code: '23000' });
  });

  it('a new ledger entry must join its village chain (version 2, or 3 with salt and digest)', async () => {
    const entry = (id: number, cols: string, vals: string) =>
      `INSERT INTO ledger_entries (id, household_id, village_id, kind, points, balance_after, occurred_on, created_at, prev_hash, hash${cols})
       VALUES (${id}, 1, 3, 'award', 1, 6, '2026-03-02', 2, 'aa', 'bb${id}'${vals})`;
    const refused = [
      entry(10, ', chain_id, seq', ', 3, 2'), // hash_version defaults to 1: the old single chain is closed
      entry(11, ', hash_version, seq', ', 2, 2'),
      entry(12, ', hash_version, chain_id, seq', ', 2, 2, 2'),
      entry(13, ', hash_version, chain_id', ', 2, 3'),
      entry(14, ', hash_version, chain_id, seq', ', 2, 3, 0'),
      entry(15, ', hash_version, chain_id, seq, salt', ', 3, 3, 2, NULL'),
      entry(16, ', hash_version, chain_id, seq, private_digest', `, 3, 3, 2, 'd'`),
      entry(17, ', hash_version, chain_id, seq', ', 4, 3, 2'),
    ];
    for (const sql of refused) {
      const expected = onLite(lite, sql);
      expect(expected, `SQLite: ${sql}`).toMatchObject({ ok: false, message: expect.stringContaining('chain_id = village_id') });
      expect(await onPg(client, sql), sql).toEqual({ ...expected, code: '23000' });
    }
    for (const sql of [entry(20, ', hash_version, chain_id, seq', ', 2, 3, 2'), entry(21, ', hash_version, chain_id, seq, salt, private_digest', `, 3, 3, 3, 's', 'd'`)]) {
      expect(onLite(lite, sql), `SQLite: ${sql}`).toEqual({ ok: true });
      expect(await onPg(client, sql), sql).toEqual({ ok: true });
    }
  });

  it('a household gets a 32-hex pseudonym seed on insert, keeps a given one, and can never change it', async () => {
    await client.query(`INSERT INTO households (id, village_id, head_name, created_at, updated_at) VALUES (100, 3, '王五', 1, 1)`);
    await client.query(`INSERT INTO households (id, village_id, head_name, created_at, updated_at, pseudonym_seed) VALUES (101, 3, '赵六', 1, 1, '${'ab'.repeat(16)}')`);
    const seeds = async () => (await client.query<{ id: number; s: string }>(`SELECT id, pseudonym_seed AS s FROM households WHERE id IN (100, 101) ORDER BY id`)).rows;
    const [assigned, given] = await seeds();
    expect(assigned.s).toMatch(/^[0-9a-f]{32}$/);
    expect(given.s).toBe('ab'.repeat(16));

    lite.exec(`INSERT INTO households (id, village_id, head_name, created_at, updated_at) VALUES (100, 3, '王五', 1, 1)`);
    for (const sql of [`UPDATE households SET pseudonym_seed = '${'cd'.repeat(16)}' WHERE id = 100`, `UPDATE households SET pseudonym_seed = NULL WHERE id = 100`]) {
      const expected = onLite(lite, sql);
      expect(expected, `SQLite: ${sql}`).toMatchObject({ ok: false, message: 'a household pseudonym seed never changes' });
      expect(await onPg(client, sql), sql).toEqual({ ...expected, code: '23000' });
    }
    // Other columns still change, and the seed stays.
    await client.query(`UPDATE households SET head_name = '王五一', updated_at = 2 WHERE id = 100`);
    expect((await seeds())[0].s).toBe(assigned.s);
  });

  it('twenty households inserted at once on twenty connections get twenty different seeds', async () => {
    const pool = new pg.Pool({ connectionString: fresh.url, max: 20 });
    try {
      const rows = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          pool.query<{ s: string }>(
            `INSERT INTO households (id, village_id, head_name, created_at, updated_at) VALUES ($1, 3, $2, 1, 1) RETURNING pseudonym_seed AS s`,
            [200 + i, `户${i}`],
          ),
        ),
      );
      const seeds = rows.map((r) => r.rows[0].s);
      expect(seeds.every((s) => /^[0-9a-f]{32}$/.test(s))).toBe(true);
      expect(new Set(seeds).size).toBe(20);
    } finally {
      await pool.end();
    }
  });

  it('data_version holds exactly one row', async () => {
    expect((await client.query(`SELECT id, version::int AS version FROM data_version`)).rows).toEqual([{ id: 1, version: 0 }]);
    expect(await onPg(client, `INSERT INTO data_version (id, version) VALUES (2, 0)`)).toMatchObject({ ok: false, code: '23514' });
    expect(await onPg(client, `UPDATE data_version SET version = version + 1 WHERE id = 1`)).toEqual({ ok: true });
  });
});
