import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { millis } from './columns';

export const publicHits = pgTable(
  'public_hits',
  {
    windowStart: millis('window_start').notNull(),
    key: text('key').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.windowStart, t.key] })],
);
