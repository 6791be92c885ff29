import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema';
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

/**
 * The connection for reads outside a transaction. On a file database it is a second, query-only
 * connection (WAL: it sees the last commit, never a transaction in progress on the write connection),
 * opened on first use; on ':memory:' there is only one connection, so it is `db` itself.
 */
export function readDb(db: Db): Db {
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

/** Closes the write connection and its read connection, if one was opened; closing twice is harmless. */
export function closeDb(db: Db): void {
  const reader = readers.get(db.$client);
  if (reader?.$client.open) reader.$client.close();
  readers.delete(db.$client);
  if (db.$client.open) db.$client.close();
}

/** The database's file name (':memory:' for an in-memory one). */
export function dbFileName(db: Db): string {
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
