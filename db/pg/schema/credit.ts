import { pgTable, text, boolean, index } from 'drizzle-orm/pg-core';
import { dishonestyReasons, listingStatuses } from '../../schema/credit';
import { areas } from './areas';
import { millis, smallId, idRef } from './columns';
import { households } from './households';
import { users } from './users';

export { dishonestyReasons, listingStatuses } from '../../schema/credit';

export const dishonestyListings = pgTable(
  'dishonesty_listings',
  {
    id: smallId(),
    householdId: idRef('household_id')
      .notNull()
      .references(() => households.id),
    villageId: idRef('village_id')
      .notNull()
      .references(() => areas.id),
    reason: text('reason', { enum: dishonestyReasons }).notNull(),
    detail: text('detail').notNull(),
    suspendRedemption: boolean('suspend_redemption').notNull(),
    status: text('status', { enum: listingStatuses }).notNull(),
    proposedBy: idRef('proposed_by')
      .notNull()
      .references(() => users.id),
    proposedAt: millis('proposed_at').notNull(),
    decidedBy: idRef('decided_by').references(() => users.id),
    decidedAt: millis('decided_at'),
    decisionNote: text('decision_note'),
    removalReason: text('removal_reason'),
    removalProposedBy: idRef('removal_proposed_by').references(() => users.id),
    removalProposedAt: millis('removal_proposed_at'),
    removedBy: idRef('removed_by').references(() => users.id),
    removedAt: millis('removed_at'),
  },
  (t) => [index('dishonesty_village_status_idx').on(t.villageId, t.status), index('dishonesty_household_idx').on(t.householdId)],
);
