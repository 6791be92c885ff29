import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Idempotency-Key reservations of creating requests (every POST under /api but redemptions, which keep
 * their answer in `idempotency_keys` inside their own transaction). A row is inserted before the
 * handler runs (status null: in progress) and gets the answer after; rows expire after 24 hours.
 */
export const requestKeys = sqliteTable(
  'request_keys',
  {
    userId: integer('user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Null while the first request is still being handled. */
    status: integer('status'),
    contentType: text('content_type'),
    body: text('body'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('request_keys_created_idx').on(t.createdAt)],
);
