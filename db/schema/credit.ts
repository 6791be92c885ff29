import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { areas } from './areas';
import { households } from './households';
import { users } from './users';

export const dishonestyReasons = ['concealment', 'refuses_support', 'fraudulent_claim', 'public_order', 'other'] as const;
export const listingStatuses = ['proposed', 'listed', 'rejected', 'removal_proposed', 'removed'] as const;

/**
 * The dishonesty list (失信名单): listing and removal are each proposed by a cadre and decided by a
 * reviewer who is not the proposer. While listed, redemption may be suspended.
 */
export const dishonestyListings = sqliteTable(
  'dishonesty_listings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    villageId: integer('village_id')
      .notNull()
      .references(() => areas.id),
    reason: text('reason', { enum: dishonestyReasons }).notNull(),
    detail: text('detail').notNull(),
    suspendRedemption: integer('suspend_redemption', { mode: 'boolean' }).notNull(),
    status: text('status', { enum: listingStatuses }).notNull(),
    proposedBy: integer('proposed_by')
      .notNull()
      .references(() => users.id),
    proposedAt: integer('proposed_at').notNull(),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: integer('decided_at'),
    decisionNote: text('decision_note'),
    removalReason: text('removal_reason'),
    removalProposedBy: integer('removal_proposed_by').references(() => users.id),
    removalProposedAt: integer('removal_proposed_at'),
    removedBy: integer('removed_by').references(() => users.id),
    removedAt: integer('removed_at'),
  },
  (t) => [index('dishonesty_village_status_idx').on(t.villageId, t.status), index('dishonesty_household_idx').on(t.householdId)],
);
