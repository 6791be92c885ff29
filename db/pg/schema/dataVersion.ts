import { pgTable, integer, bigint, check } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * PostgreSQL only: one row (inserted by 0001_append_only.sql) whose version moves after every writing
 * commit (db/transaction.ts), so caches in every process learn of it where SQLite has PRAGMA data_version.
 */
export const dataVersion = pgTable(
  'data_version',
  {
    id: integer('id').primaryKey(),
    version: bigint('version', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('data_version_one_row', sql`${t.id} = 1`)],
);
