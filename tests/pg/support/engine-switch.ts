/**
 * The engine switch of the `pg-suite` lane (JIFEN_TEST_ENGINE=pg): the SQLite test suite, file by file, with the app
 * over PostgreSQL. A test still builds its fixture on the SQLite `db` with the synchronous factories; on the app's
 * first request the SQLite database is copied by db:copy into a fresh PostgreSQL database and the app answers from
 * there. Fixture rows the test writes to SQLite later (inserts, updates, deletes) are moved over before the next
 * request, column by column, so a test's `UPDATE … SET frozen = 1` does not undo what the app wrote since.
 *
 * After the move SQLite is stale: every read through the test's `db` throws, so a file that would silently check
 * SQLite instead of the app's database is found (read through the API or `t.sql` instead). Rows the app creates
 * get ids OFFSET past SQLite's, so fixture rows added to SQLite afterwards keep SQLite's own ids without meeting them.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noteLocalCommit } from '../../../db/boards/dataVersion';
import { closeDb, openPgDb, pgBackendOf, type Db, type PgDb, type SqliteDb } from '../../../db/client';
import { copySqliteToPg } from '../../../db/copy/sqliteToPg';
import { pgSql, sqlOf, type Sql, type SqlParam } from '../../../db/sql';
import { freshDatabase, type FreshDatabase } from './database';

/** Where ids of rows the app creates on PostgreSQL start: far above any fixture, below 2^31. */
export const OFFSET = 10_000_000;

const SKIPPED = new Set(['__drizzle_migrations', 'sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4']);

/** Statements that answer rows (INSERT … RETURNING gives back what it wrote, so it may run). */
const READ_SQL = /^\s*(select|with|pragma|explain|values)\b/i;

export class StaleSqliteRead extends Error {
  override name = 'StaleSqliteRead';
  constructor(what: string) {
    super(`this test reads SQLite directly after the app moved to PostgreSQL (${what}): read through the API, t.sql or await t.appDb()`);
  }
}

interface App {
  fetch: (request: Request, ...rest: never[]) => Response | Promise<Response>;
}

interface TablePlan {
  name: string;
  columns: string[];
  /** Primary key columns, or empty when the table has none (then only inserts can be moved). */
  key: string[];
  /** pg column → boolean, so SQLite's 0/1 goes over as a flag. */
  flags: Set<string>;
}

type Row = unknown[];
type Snapshot = Map<string, Map<string, Row>>;

interface Moved {
  pg: PgDb;
  fresh: FreshDatabase;
  dir: string;
  inner: App;
  snapshot: Snapshot;
  changes: number;
}

// The switch's own reads bypass the refusal installed on the connection (refuseReads).
const rawPrepare = (client: Database.Database, text: string): Database.Statement<unknown[]> => Database.prototype.prepare.call(client, text);
const rawPragma = (client: Database.Database, source: string) => Database.prototype.pragma.call(client, source);

/** Tables in foreign-key order (parents first), the same for every test database of a worker. */
let plans: TablePlan[] | null = null;

function foreignKeyOrder(client: Database.Database, names: string[]): string[] {
  const parents = new Map(names.map((n) => [n, new Set((rawPragma(client, `foreign_key_list("${n}")`) as { table: string }[]).map((f) => f.table).filter((p) => p !== n && names.includes(p)))]));
  const order: string[] = [];
  while (parents.size) {
    const ready = [...parents].filter(([, p]) => [...p].every((x) => !parents.has(x))).map(([n]) => n).sort();
    if (!ready.length) throw new Error(`pg-suite: tables ${[...parents.keys()].join(', ')} reference each other`);
    for (const n of ready) parents.delete(n);
    order.push(...ready);
  }
  return order;
}

async function planTables(client: Database.Database, pg: Sql): Promise<TablePlan[]> {
  if (plans) return plans;
  const names = (rawPrepare(client, `SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name).filter((n) => !SKIPPED.has(n));
  const bools = await pg.all<{ t: string; c: string }>(`SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND data_type = 'boolean'`);
  const there = new Set((await pg.all<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema()`)).map((r) => r.t));
  const missing = names.filter((n) => !there.has(n));
  // A table only SQLite has (a migration not yet mirrored) cannot hold fixture rows on PostgreSQL: say which.
  if (missing.length) console.warn(`[pg-suite] tables only SQLite has, not moved: ${missing.join(', ')}`);
  plans = foreignKeyOrder(client, names.filter((n) => there.has(n))).map((name) => {
    const info = rawPragma(client, `table_info("${name}")`) as { name: string; pk: number }[];
    return {
      name,
      columns: info.map((c) => c.name),
      key: info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      flags: new Set(bools.filter((b) => b.t === name).map((b) => b.c)),
    };
  });
  return plans;
}

function readAll(client: Database.Database, tables: TablePlan[]): Snapshot {
  const out: Snapshot = new Map();
  for (const t of tables) {
    const rows = new Map<string, Row>();
    const keyed = t.key.length ? t.key : ['rowid'];
    const stmt = rawPrepare(client, `SELECT ${[...t.columns, ...keyed].map((c) => `"${c}"`).join(', ')} FROM "${t.name}"`).raw(true);
    for (const r of stmt.all() as Row[]) rows.set(JSON.stringify(r.slice(t.columns.length)), r.slice(0, t.columns.length));
    out.set(t.name, rows);
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return a === b;
}

function param(t: TablePlan, column: string, v: unknown): SqlParam {
  if (v === null || v === undefined) return null;
  if (t.flags.has(column)) return v === 1 || v === true;
  if (typeof v === 'bigint') return Number(v);
  return v as SqlParam;
}

/** Moves what the test changed in SQLite since `before` into PostgreSQL: inserts and updates parents first, deletes children first. */
async function moveChanges(pg: Sql, tables: TablePlan[], before: Snapshot, after: Snapshot): Promise<void> {
  const fail = (t: TablePlan, what: string, err: unknown) =>
    new Error(`pg-suite: the test's SQLite ${what} in ${t.name} could not be moved to PostgreSQL: ${(err as Error).message}`, { cause: err });
  for (const t of tables) {
    const was = before.get(t.name)!;
    const now = after.get(t.name)!;
    const added: Row[] = [];
    for (const [k, row] of now) {
      const old = was.get(k);
      if (!old) {
        added.push(row);
        continue;
      }
      const changed = t.columns.filter((_, i) => !same(old[i], row[i]));
      if (!changed.length) continue;
      if (!t.key.length) throw fail(t, 'update', new Error('the table has no primary key'));
      const keyValues = JSON.parse(k) as unknown[];
      try {
        await pg.run(
          `UPDATE "${t.name}" SET ${changed.map((c) => `"${c}" = ?`).join(', ')} WHERE ${t.key.map((c) => `"${c}" = ?`).join(' AND ')}`,
          [...changed.map((c) => param(t, c, row[t.columns.indexOf(c)])), ...t.key.map((c, i) => param(t, c, keyValues[i]))],
        );
      } catch (err) {
        throw fail(t, 'update', err);
      }
    }
    for (let i = 0; i < added.length; i += 200) {
      const batch = added.slice(i, i + 200);
      try {
        await pg.run(
          `INSERT INTO "${t.name}" (${t.columns.map((c) => `"${c}"`).join(', ')}) VALUES ${batch.map(() => `(${t.columns.map(() => '?').join(', ')})`).join(', ')}`,
          batch.flatMap((row) => t.columns.map((c, j) => param(t, c, row[j]))),
        );
      } catch (err) {
        throw fail(t, 'insert', err);
      }
    }
  }
  for (const t of [...tables].reverse()) {
    const now = after.get(t.name)!;
    for (const k of before.get(t.name)!.keys()) {
      if (now.has(k)) continue;
      if (!t.key.length) throw fail(t, 'delete', new Error('the table has no primary key'));
      const keyValues = JSON.parse(k) as unknown[];
      try {
        await pg.run(`DELETE FROM "${t.name}" WHERE ${t.key.map((c) => `"${c}" = ?`).join(' AND ')}`, t.key.map((c, i) => param(t, c, keyValues[i])));
      } catch (err) {
        throw fail(t, 'delete', err);
      }
    }
  }
}

/** Tables the migrations seed on PostgreSQL (default headings, the data version row), learnt once per worker. */
let seeded: Set<string> | null = null;

/**
 * The fixture into the fresh database, as db:copy would leave it but faster for a test's few dozen rows: only
 * tables that have rows, a few multi-row INSERTs, in one transaction; the migrations' seed rows give way to the
 * fixture's own versions of them (as db:copy does).
 */
async function insertFixture(db: PgDb, tables: TablePlan[], snapshot: Snapshot): Promise<void> {
  const conn = await pgBackendOf(db)!.pools.primary.connect();
  // Released on every path: a client kept out of the pool would hold closeDb (pool.end) forever.
  try {
    const pg = pgSql(conn);
    if (!seeded) {
      const found = new Set<string>();
      for (const t of tables) if (await pg.get(`SELECT 1 AS x FROM "${t.name}" LIMIT 1`)) found.add(t.name);
      seeded = found;
    }
    const empty: Snapshot = new Map(tables.map((t) => [t.name, new Map()]));
    await pg.run('BEGIN');
    try {
      for (const name of seeded) await pg.run(`DELETE FROM "${name}"`);
      await moveChanges(pg, tables, empty, snapshot);
      await pg.run('COMMIT');
    } catch (err) {
      await pg.run('ROLLBACK');
      throw err;
    }
  } finally {
    conn.release();
  }
}

/** Time spent moving fixtures, printed after each file with JIFEN_PG_SUITE_TIMING=1. */
export const timing = { moves: 0, moveMs: 0, syncs: 0, syncMs: 0 };

/**
 * Every identity starts OFFSET past the highest id SQLite gave out (sqlite_sequence, as db:copy carries it), or past
 * the copied rows: the app's new rows never take an id a later fixture row gets in SQLite, and a numbered county's
 * (JIFEN_COUNTY_NUMBER) stay in its range.
 */
async function offsetIdentities(pg: Sql, given: Map<string, number>): Promise<void> {
  const cols = await pg.all<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'`,
  );
  for (const { t, c } of cols) {
    const seq = (await pg.get<{ s: string }>(`SELECT pg_get_serial_sequence(?, ?) AS s`, [`"${t}"`, c]))!.s;
    // Never backwards: a county numbered by the app (JIFEN_COUNTY_NUMBER) already moved its sequences far past OFFSET.
    await pg.get(`SELECT setval(?::regclass, GREATEST((SELECT COALESCE(MAX("${c}"), 0) FROM "${t}"), ?, (SELECT last_value FROM ${seq})))`, [seq, (given.get(t) ?? 0) + OFFSET]);
  }
}

/** The highest id SQLite ever gave out per table. */
function sqliteSequence(client: Database.Database): Map<string, number> {
  const has = rawPrepare(client, `SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`).get();
  if (!has) return new Map();
  return new Map((rawPrepare(client, 'SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[]).map((r) => [r.name, Number(r.seq)]));
}

interface Opened {
  moved: Moved | null;
  inTest: boolean;
}

/** Every database this worker opened for the current file, closed by ./suite-setup.ts after its test (or after the file). */
const open: Opened[] = [];
let inTest = false;

export function enterTest(): void {
  inTest = true;
}

/** Closes the databases opened during the test that just ended (`all`: after the file, every one). */
export async function closeOpened(all: boolean): Promise<void> {
  inTest = false;
  const closing = all ? open.splice(0) : open.filter((o) => o.inTest);
  if (!all) for (const o of closing) open.splice(open.indexOf(o), 1);
  for (const o of closing) {
    if (!o.moved) continue;
    await closeDb(o.moved.pg).catch(() => undefined);
    await o.moved.fresh.drop().catch(() => undefined);
    rmSync(o.moved.dir, { recursive: true, force: true });
  }
}

export interface Switched {
  /** The test's SQLite database: its reads throw once the app moved. */
  db: SqliteDb;
  /** The database the app runs over (after moving pending fixture rows). */
  appDb(): Promise<Db>;
  /** SQL on the app's database (after moving pending fixture rows). */
  sql: Sql;
}

/**
 * Puts `shell` (an app built over `sqlite`, never asked anything) in front of an app over PostgreSQL that
 * `makeApp` builds on the first request.
 */
export function switchToPostgres(sqlite: SqliteDb, shell: App, makeApp: (db: Db) => App): Switched {
  const client = sqlite.$client;
  const entry: Opened = { moved: null, inTest };
  open.push(entry);
  const totalChanges = () => (rawPrepare(client, 'SELECT total_changes() AS n').get() as { n: number }).n;

  const move = async (): Promise<Moved> => {
    const started = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'jifen-pgsuite-'));
    const open = async (fresh: FreshDatabase) => openPgDb({ url: fresh.url, dataDir: join(dir, 'data'), poolSize: 8, migrate: false });
    let fresh: FreshDatabase | undefined;
    let pg: PgDb | undefined;
    try {
      fresh = await freshDatabase();
      pg = await open(fresh);
      const tables = await planTables(client, sqlOf(pg));
      const snapshot = readAll(client, tables);
      try {
        await insertFixture(pg, tables, snapshot);
      } catch {
        // What plain inserts cannot carry (old-chain ledger entries the insert trigger refuses from anyone but db:copy).
        await closeDb(pg);
        await fresh.drop();
        fresh = await freshDatabase();
        const file = join(dir, 'fixture.db');
        writeFileSync(file, client.serialize());
        await copySqliteToPg({ from: file, to: fresh.url });
        pg = await open(fresh);
      }
      await offsetIdentities(sqlOf(pg), sqliteSequence(client));
      // Fixture rows written later may point at rows only PostgreSQL has (an award the app created): it checks them.
      rawPragma(client, 'foreign_keys = OFF');
      const moved = { pg, fresh, dir, inner: makeApp(pg), snapshot, changes: totalChanges() };
      refuseReads(client);
      timing.moves += 1;
      timing.moveMs += Date.now() - started;
      return moved;
    } catch (err) {
      if (pg) await closeDb(pg).catch(() => undefined);
      await fresh?.drop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  };

  let queue: Promise<unknown> = Promise.resolve();
  const ensure = (): Promise<Moved> => {
    const step = async (): Promise<Moved> => {
      if (!entry.moved) {
        entry.moved = await move();
        return entry.moved;
      }
      const m = entry.moved;
      const changes = totalChanges();
      if (changes !== m.changes) {
        const started = Date.now();
        const tables = await planTables(client, sqlOf(m.pg));
        const now = readAll(client, tables);
        await moveChanges(sqlOf(m.pg), tables, m.snapshot, now);
        // As after any writing commit of the app: cached boards and pages see the new rows at once.
        await sqlOf(m.pg).run('UPDATE data_version SET version = version + 1 WHERE id = 1');
        // The app reads the row at most once a second: a write of this process moves its stamp at once, as transaction() does.
        noteLocalCommit(pgBackendOf(m.pg)!);
        m.snapshot = now;
        m.changes = changes;
        timing.syncs += 1;
        timing.syncMs += Date.now() - started;
      }
      return m;
    };
    const next = queue.then(step, step);
    queue = next.catch(() => undefined);
    return next;
  };

  const shellFetch = async (request: Request, ...rest: never[]) => (await ensure()).inner.fetch(request, ...rest);
  (shell as { fetch: App['fetch'] }).fetch = shellFetch;

  return { db: sqlite, appDb: async () => (await ensure()).pg, sql: lazySql(async () => sqlOf((await ensure()).pg)) };
}

/** SQL whose statements wait for `target` (the move, then pending fixture rows). */
function lazySql(target: () => Promise<Sql>): Sql {
  return {
    engine: 'pg',
    all: async (text, params) => (await target()).all(text, params),
    get: async (text, params) => (await target()).get(text, params),
    run: async (text, params) => (await target()).run(text, params),
  };
}

/**
 * From now on the connection refuses statements that read (and pragmas): drizzle's queries, `$client.prepare` and
 * new texts through `sqlOf(db)` all prepare through it, so a test cannot read the stale SQLite by any of them.
 * Inserts (with RETURNING), updates and deletes still run: they are fixture rows for the next request to move.
 */
function refuseReads(client: Database.Database): void {
  client.prepare = ((text: string) => {
    if (READ_SQL.test(text)) throw new StaleSqliteRead(JSON.stringify(text.trim().slice(0, 60)));
    const stmt = rawPrepare(client, text);
    if (/^\s*update\b/i.test(text)) {
      // An update of a row the app made (its id exists only in PostgreSQL) changes nothing here and nothing moves:
      // the test would then check the app against a fixture it never got.
      const run = stmt.run.bind(stmt);
      stmt.run = (...params: unknown[]) => {
        const result = run(...params);
        if (result.changes === 0) console.warn(`[pg-suite] a fixture UPDATE after the move changed no SQLite row (a row only the app's database has? write it through t.sql): ${text.trim().slice(0, 80)}`);
        return result;
      };
    }
    return stmt;
  }) as typeof client.prepare;
  client.pragma = ((source: string) => {
    throw new StaleSqliteRead(`pragma ${source}`);
  }) as typeof client.pragma;
}
