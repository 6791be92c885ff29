import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Public requests per client address per fixed window (db/limits/publicHits.ts), shared by every server
 * process on one PostgreSQL database. `key` is a hash of the address, so the table holds no visitor's IP.
 * SQLite (one process per file) counts in memory and leaves this table empty.
 */
export const publicHits = sqliteTable(
  'public_hits',
  {
    windowStart: integer('window_start').notNull(),
    key: text('key').notNull(),
    count: integer('count').notNull(),
  },
  // Window first: old windows are pruned by a range on the key's prefix.
  (t) => [primaryKey({ columns: [t.windowStart, t.key] })],
);
