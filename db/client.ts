import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migratePg } from './pg/migrate';
import { openPgPools, type PgPools } from './pg/pool';
import * as schema from './schema';
import { bindSql, pgSql } from './sql';
import { TransactionMisuse } from './transaction';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

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
const readers = new WeakMap<Database.Database, Db>();

/** Opens the database with the pragmas the ledger's guarantees rely on, then migrates it. */
export function openDb({ file, migrate: runMigrations = true, readonly = false }: OpenDbOptions): Db {
  if (file !== ':memory:' && !readonly) mkdirSync(dirname(file), { recursive: true });
  const client = connect(file, readonly);
  // Only a named file can have a second connection; ':memory:', '' (temporary) and URIs cannot.
  if (file !== ':memory:' && file !== '' && !file.startsWith('file:')) files.set(client, file);
  const db = drizzle(client, { schema }) as Db;
  // One way into a transaction: drizzle's synchronous one would join (or break) an async transaction() in progress.
  db.transaction = (() => {
    throw new TransactionMisuse('db.transaction(): use transaction() from db/transaction.ts');
  }) as Db['transaction'];
  if (runMigrations && !readonly) migrate(db, { migrationsFolder });
  return db;
}

/** A PostgreSQL database: its pools and the local folder that holds what is not in the database (photos, signing key). */
export interface PgBackend {
  pools: PgPools;
  dataDir: string;
  /** The handle over the replica pool (the primary's when there is no replica). */
  replica: Db;
}

const pgBackends = new WeakMap<object, PgBackend>();

/**
 * A handle that stands for a PostgreSQL database where code expects a `Db`. Stores reach it through
 * `sqlOf` only; code still written against SQLite (drizzle, `$client`) fails here loudly instead of quietly.
 */
export function pgHandle(what: string): Db {
  return new Proxy(Object.create(null) as object, {
    get(_, prop) {
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
      throw new Error(`SQLite-only code reached ${what} (db.${prop}): a store must go through sqlOf() (docs/POSTGRES.md)`);
    },
  }) as Db;
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
export async function openPgDb(opts: OpenPgOptions): Promise<Db> {
  if (opts.migrate !== false) await migratePg(opts.url);
  const pools = openPgPools({ url: opts.url, readUrl: opts.readUrl, poolSize: opts.poolSize });
  const db = pgHandle('a PostgreSQL database');
  bindSql(db, pgSql(pools.primary), false);
  let replica = db;
  if (pools.replica) {
    replica = pgHandle('a PostgreSQL replica');
    bindSql(replica, pgSql(pools.replica), false);
  }
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
export function readDb(db: Db): Db {
  if (pgBackends.has(db)) return db;
  const file = files.get(db.$client);
  if (!file) return db;
  let reader = readers.get(db.$client);
  if (!reader || !reader.$client.open) {
    const client = connect(file, false);
    client.pragma('query_only = ON');
    reader = drizzle(client, { schema }) as Db;
    readers.set(db.$client, reader);
  }
  return reader;
}

/**
 * Where public boards, dashboards and exports read: a PostgreSQL replica when one is configured (it may
 * trail the primary by its replication lag), else `readDb(db)`.
 */
export function replicaDb(db: Db): Db {
  return pgBackends.get(db)?.replica ?? readDb(db);
}

/** Closes the write connection and its read connection, if one was opened; closing twice is harmless. On PostgreSQL it ends the pools. */
export async function closeDb(db: Db): Promise<void> {
  const pg = pgBackends.get(db);
  if (pg) return pg.pools.close();
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
  const pg = pgBackends.get(db);
  if (pg) return join(pg.dataDir, 'postgresql');
  return db.$client.name;
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
