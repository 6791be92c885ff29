import { pgTable, integer, text, boolean, index } from 'drizzle-orm/pg-core';
import { dishonestyReasons, listingStatuses } from '../../schema/credit';
import { areas } from './areas';
import { millis, smallId } from './columns';
import { households } from './households';
import { users } from './users';

export { dishonestyReasons, listingStatuses } from '../../schema/credit';

export const dishonestyListings = pgTable(
  'dishonesty_listings',
  {
    id: smallId(),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    villageId: integer('village_id')
      .notNull()
      .references(() => areas.id),
    reason: text('reason', { enum: dishonestyReasons }).notNull(),
    detail: text('detail').notNull(),
    suspendRedemption: boolean('suspend_redemption').notNull(),
    status: text('status', { enum: listingStatuses }).notNull(),
    proposedBy: integer('proposed_by')
      .notNull()
      .references(() => users.id),
    proposedAt: millis('proposed_at').notNull(),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: millis('decided_at'),
    decisionNote: text('decision_note'),
    removalReason: text('removal_reason'),
    removalProposedBy: integer('removal_proposed_by').references(() => users.id),
    removalProposedAt: millis('removal_proposed_at'),
    removedBy: integer('removed_by').references(() => users.id),
    removedAt: millis('removed_at'),
  },
  (t) => [index('dishonesty_village_status_idx').on(t.villageId, t.status), index('dishonesty_household_idx').on(t.householdId)],
);
