import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** A drizzle transaction handle; every action writes through one. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenDbOptions {
  /** Path of the SQLite file, or ":memory:". */
  file: string;
  /** Run pending migrations (default true). */
  migrate?: boolean;
  readonly?: boolean;
}

/** Opens the database with the pragmas the ledger's guarantees rely on, then migrates it. */
export function openDb({ file, migrate: runMigrations = true, readonly = false }: OpenDbOptions): Db {
  if (file !== ':memory:' && !readonly) mkdirSync(dirname(file), { recursive: true });
  const client = new Database(file, { readonly });
  client.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives power loss, not only a process crash.
  client.pragma('synchronous = FULL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  client.pragma('cache_size = -32000');
  const db = drizzle(client, { schema }) as Db;
  // Write transactions take the write lock at BEGIN (IMMEDIATE): with deferred ones, two processes that
  // both read first cannot both upgrade, and one fails with SQLITE_BUSY instead of waiting its turn.
  const deferredByDefault = db.transaction.bind(db);
  db.transaction = ((fn, config) => deferredByDefault(fn, { behavior: 'immediate', ...config })) as Db['transaction'];
  if (runMigrations && !readonly) migrate(db, { migrationsFolder });
  return db;
}

export { schema };
