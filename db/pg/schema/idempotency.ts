import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { millis, idRef } from './columns';

export const requestKeys = pgTable(
  'request_keys',
  {
    userId: idRef('user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    contentType: text('content_type'),
    body: text('body'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('request_keys_created_idx').on(t.createdAt)],
);
