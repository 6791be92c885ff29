import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';

/** Who did what, when, to which record, from which device. Append-only (triggers). */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actorId: integer('actor_id'),
    actorRole: text('actor_role'),
    areaId: integer('area_id'),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    before: text('before'),
    after: text('after'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('audit_entity_idx').on(t.entity, t.entityId), index('audit_area_idx').on(t.areaId, t.id)],
);

/** Small key/value store for installation facts (signing secret, seed marker). */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
