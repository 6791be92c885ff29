import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migratePg } from './pg/migrate';
import { openPgPools, type PgPools } from './pg/pool';
import * as schema from './schema';
import { bindSql, isSqlite, pgSql, type Sql } from './sql';
import { TransactionMisuse } from './transaction';

/**
 * A SQLite database: drizzle over one better-sqlite3 connection. Only code that is SQLite by nature takes it
 * (the bulk seed, fixtures' synchronous twins, the copy's source, backup); server/ never names it.
 */
export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

declare const pgDb: unique symbol;
/** A PostgreSQL database, replica or transaction handle: opaque, reached through `sqlOf` only. */
export interface PgDb {
  readonly [pgDb]: true;
}

/**
 * A database on either engine. It has no query API of its own, so code that takes a `Db` cannot call drizzle
 * or `$client` on it: stores reach it through `sqlOf(db)` (db/sql.ts). A `SqliteDb` or `PgDb` is a `Db`.
 */
export type Db = SqliteDb | PgDb;

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenDbOptions {
  /** Path of the SQLite file, or ":memory:". */
  file: string;
  /** Run pending migrations (default true). */
  migrate?: boolean;
  readonly?: boolean;
}

function connect(file: string, readonly: boolean): Database.Database {
  const client = new Database(file, { readonly });
  client.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives power loss, not only a process crash.
  client.pragma('synchronous = FULL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  client.pragma('cache_size = -32000');
  return client;
}

/** Where each file database lives, so its read connection can be opened when first asked for. */
const files = new WeakMap<Database.Database, string>();
const readers = new WeakMap<Database.Database, SqliteDb>();

/** Opens the database with the pragmas the ledger's guarantees rely on, then migrates it. */
export function openDb({ file, migrate: runMigrations = true, readonly = false }: OpenDbOptions): SqliteDb {
  if (file !== ':memory:' && !readonly) mkdirSync(dirname(file), { recursive: true });
  const client = connect(file, readonly);
  // Only a named file can have a second connection; ':memory:', '' (temporary) and URIs cannot.
  if (file !== ':memory:' && file !== '' && !file.startsWith('file:')) files.set(client, file);
  const db: SqliteDb = drizzle(client, { schema });
  // One way into a transaction: drizzle's synchronous one would join (or break) an async transaction() in progress.
  db.transaction = () => {
    throw new TransactionMisuse('db.transaction(): use transaction() from db/transaction.ts');
  };
  if (runMigrations && !readonly) migrate(db, { migrationsFolder });
  return db;
}

/** A PostgreSQL database: its pools and the local folder that holds what is not in the database (photos, signing key). */
export interface PgBackend {
  pools: PgPools;
  dataDir: string;
  /** The handle over the replica pool (the primary's when there is no replica). */
  replica: PgDb;
}

const pgBackends = new WeakMap<object, PgBackend>();

/**
 * A handle that stands for a PostgreSQL database (or one of its transactions) where code expects a `Db`, bound
 * to its SQL. The type already keeps drizzle and `$client` off it; the proxy also fails loudly on whatever gets
 * past the type-check (a cast, plain JavaScript).
 */
export function pgHandle(what: string, sql: Sql, inTransaction: boolean): PgDb {
  const handle = new Proxy(Object.create(null) as object, {
    get(_, prop) {
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
      throw new Error(`SQLite-only code reached ${what} (db.${prop}): a store must go through sqlOf() (docs/POSTGRES.md)`);
    },
  });
  bindSql(handle, sql, inTransaction);
  // The brand exists only in the type: the proxy is the PostgreSQL handle, and bindSql gave it its SQL.
  return handle as PgDb;
}

export interface OpenPgOptions {
  url: string;
  readUrl?: string | null;
  poolSize?: number;
  /** Folder for photos and the checkpoint key (on SQLite they sit beside the database file). */
  dataDir: string;
  migrate?: boolean;
}

/** Opens a PostgreSQL database (migrating it first unless told not to) as a `Db` every ported store accepts. */
export async function openPgDb(opts: OpenPgOptions): Promise<PgDb> {
  if (opts.migrate !== false) await migratePg(opts.url);
  const pools = openPgPools({ url: opts.url, readUrl: opts.readUrl, poolSize: opts.poolSize });
  const db = pgHandle('a PostgreSQL database', pgSql(pools.primary), false);
  const replica = pools.replica ? pgHandle('a PostgreSQL replica', pgSql(pools.replica), false) : db;
  mkdirSync(opts.dataDir, { recursive: true });
  pgBackends.set(db, { pools, dataDir: opts.dataDir, replica });
  return db;
}

/** The PostgreSQL side of `db`, or undefined on SQLite. */
export function pgBackendOf(db: Db): PgBackend | undefined {
  return pgBackends.get(db);
}

/**
 * The connection for reads outside a transaction. On a file database it is a second, query-only
 * connection (WAL: it sees the last commit, never a transaction in progress on the write connection),
 * opened on first use; on ':memory:' there is only one connection, so it is `db` itself. On PostgreSQL
 * it is the primary's pool: reads that decide a write must see every acknowledged commit.
 */
export function readDb(db: SqliteDb): SqliteDb;
export function readDb(db: Db): Db;
export function readDb(db: Db): Db {
  if (!isSqlite(db)) return db;
  const file = files.get(db.$client);
  if (!file) return db;
  let reader = readers.get(db.$client);
  if (!reader || !reader.$client.open) {
    const client = connect(file, false);
    client.pragma('query_only = ON');
    reader = drizzle(client, { schema });
    readers.set(db.$client, reader);
  }
  return reader;
}

/**
 * Where public boards, dashboards and exports read: a PostgreSQL replica when one is configured (it may
 * trail the primary by its replication lag), else `readDb(db)`.
 */
export function replicaDb(db: SqliteDb): SqliteDb;
export function replicaDb(db: Db): Db;
export function replicaDb(db: Db): Db {
  return isSqlite(db) ? readDb(db) : (pgBackends.get(db)?.replica ?? db);
}

/** Closes the write connection and its read connection, if one was opened; closing twice is harmless. On PostgreSQL it ends the pools. */
export async function closeDb(db: Db): Promise<void> {
  if (!isSqlite(db)) return pgBackends.get(db)?.pools.close();
  const reader = readers.get(db.$client);
  if (reader?.$client.open) reader.$client.close();
  readers.delete(db.$client);
  if (db.$client.open) db.$client.close();
}

/**
 * The database's file name (':memory:' for an in-memory one). On PostgreSQL a name in its data folder,
 * so what sits "beside the database" (photos, the checkpoint key) lands there.
 */
export function dbFileName(db: Db): string {
  if (isSqlite(db)) return db.$client.name;
  const pg = pgBackends.get(db);
  if (!pg) throw new Error('dbFileName() takes the database handle, not a replica or transaction handle');
  return join(pg.dataDir, 'postgresql');
}

/**
 * A connection to an existing file exactly as it is: no migration, no WAL switch, for the checkers
 * (verify, backup) that must never change what they check. The caller closes it.
 */
export function openAsIs(file: string): Database.Database {
  const client = new Database(file, { fileMustExist: true });
  client.pragma('busy_timeout = 5000');
  return client;
}

export { schema };
