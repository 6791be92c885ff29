import { pgTable, integer, text } from 'drizzle-orm/pg-core';
import { millis } from './columns';

export const throttle = pgTable('throttle', {
  key: text('key').primaryKey(),
  // A moment in milliseconds (window start, or when the next attempt is allowed).
  windowStart: millis('window_start').notNull(),
  failures: integer('failures').notNull(),
});
