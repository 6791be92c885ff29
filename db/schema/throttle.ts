import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';

/**
 * Attempt counters (db/throttle.ts). Windowed budgets ("login-ip:1.2.3.4", "pin-clerk:7") keep the
 * window's start in `window_start`; back-off of an unknown username ("login-name:x") keeps there the
 * moment its next attempt is allowed. Kept in the database rather than memory so a restart does not
 * reset an attacker's budget and several server processes on one file share it.
 */
export const throttle = sqliteTable('throttle', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  failures: integer('failures').notNull(),
});
