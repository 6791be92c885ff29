import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';

/**
 * Failure counters for login and PIN attempts per IP ("login-ip:1.2.3.4"), one fixed window each.
 * Kept in the database rather than memory so a restart does not reset an attacker's budget and
 * several server processes on one file share it.
 */
export const throttle = sqliteTable('throttle', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  failures: integer('failures').notNull(),
});
