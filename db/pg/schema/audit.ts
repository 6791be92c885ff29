import { pgTable, text, index } from 'drizzle-orm/pg-core';
import { bigId, millis, idRef } from './columns';

/** Append-only (0001_append_only.sql). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigId(),
    actorId: idRef('actor_id'),
    actorRole: text('actor_role'),
    areaId: idRef('area_id'),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    before: text('before'),
    after: text('after'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('audit_entity_idx').on(t.entity, t.entityId), index('audit_area_idx').on(t.areaId, t.id)],
);

export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
