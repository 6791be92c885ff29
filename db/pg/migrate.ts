import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';

export const pgMigrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Session advisory lock key serialising migrators: several app servers may start at once against one primary,
 * and drizzle's migrator reads "last applied" before its transaction, so two of them would apply the same file.
 */
const MIGRATION_LOCK_KEY = 0x6a6966656e; // "jifen"

/** Applies pending PostgreSQL migrations (db/pg/migrations) on one connection, then closes it. */
export async function migratePg(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder: pgMigrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}
