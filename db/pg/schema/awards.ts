import { pgTable, integer, text, index } from 'drizzle-orm/pg-core';
import { awardStatuses } from '../../schema/awards';
import { areas } from './areas';
import { bigId, bigRef, millis, smallId, idRef } from './columns';
import { households } from './households';
import { rules, ruleVersions } from './rules';
import { users } from './users';

export { awardStatuses, type AwardStatus } from '../../schema/awards';

export const awardBatches = pgTable('award_batches', {
  id: smallId(),
  villageId: idRef('village_id').references(() => areas.id),
  ruleId: idRef('rule_id')
    .notNull()
    .references(() => rules.id),
  occurredOn: text('occurred_on').notNull(),
  count: integer('count').notNull(),
  note: text('note'),
  proposedBy: idRef('proposed_by')
    .notNull()
    .references(() => users.id),
  createdAt: millis('created_at').notNull(),
});

// One award per posted ledger entry at most: as many rows as the ledger over the years, hence a bigint key.
export const awards = pgTable(
  'awards',
  {
    id: bigId(),
    householdId: idRef('household_id')
      .notNull()
      .references(() => households.id),
    villageId: idRef('village_id')
      .notNull()
      .references(() => areas.id),
    ruleId: idRef('rule_id')
      .notNull()
      .references(() => rules.id),
    ruleVersionId: idRef('rule_version_id')
      .notNull()
      .references(() => ruleVersions.id),
    batchId: idRef('batch_id').references(() => awardBatches.id),
    quantity: integer('quantity').notNull(),
    points: integer('points').notNull(),
    occurredOn: text('occurred_on').notNull(),
    memberName: text('member_name'),
    note: text('note'),
    evidenceUrl: text('evidence_url'),
    status: text('status', { enum: awardStatuses }).notNull(),
    proposedBy: idRef('proposed_by')
      .notNull()
      .references(() => users.id),
    proposedAt: millis('proposed_at').notNull(),
    reviewedBy: idRef('reviewed_by').references(() => users.id),
    reviewedAt: millis('reviewed_at'),
    rejectReason: text('reject_reason'),
    noticeEndsAt: millis('notice_ends_at'),
    postedAt: millis('posted_at'),
    ledgerEntryId: bigRef('ledger_entry_id'),
  },
  (t) => [
    index('awards_village_status_idx').on(t.villageId, t.status),
    index('awards_household_rule_idx').on(t.householdId, t.ruleId, t.occurredOn),
    index('awards_status_notice_idx').on(t.status, t.noticeEndsAt),
    index('awards_batch_idx').on(t.batchId),
  ],
);

export const objections = pgTable(
  'objections',
  {
    id: smallId(),
    awardId: bigRef('award_id')
      .notNull()
      .references(() => awards.id),
    userId: idRef('user_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    status: text('status', { enum: ['open', 'upheld', 'dismissed'] }).notNull().default('open'),
    resolution: text('resolution'),
    resolvedBy: idRef('resolved_by').references(() => users.id),
    resolvedAt: millis('resolved_at'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('objections_award_idx').on(t.awardId)],
);
