import { pgTable, integer, text, boolean, index } from 'drizzle-orm/pg-core';
import { roles } from '../../schema/users';
import { areas } from './areas';
import { millis, smallId, idRef } from './columns';
import { households } from './households';

export { roles, type Role } from '../../schema/users';

export const users = pgTable(
  'users',
  {
    id: smallId(),
    username: text('username').notNull().unique(),
    displayName: text('display_name'),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: roles }).notNull(),
    areaId: idRef('area_id')
      .notNull()
      .references(() => areas.id),
    householdId: idRef('household_id').references(() => households.id),
    active: boolean('active').notNull().default(true),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: millis('locked_until'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [index('users_area_idx').on(t.areaId)],
);

export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: idRef('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: millis('created_at').notNull(),
    expiresAt: millis('expires_at').notNull(),
    lastSeenAt: millis('last_seen_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    revokedAt: millis('revoked_at'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);
