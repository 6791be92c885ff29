import { pgTable, integer, text, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { boardKinds, reviewStatuses } from '../../schema/boards';
import { areas } from './areas';
import { bigRef, millis, smallId, idRef } from './columns';
import { households } from './households';
import { ledgerEntries } from './ledger';
import { users } from './users';
import { checkpoints } from './proofs';

export { boardKinds, reviewStatuses, type BoardKind, type ReviewStatus } from '../../schema/boards';

/** Snapshot, decided rows and deletes are refused by triggers (0001_append_only.sql). */
export const boardPublications = pgTable(
  'board_publications',
  {
    id: smallId(),
    kind: text('kind', { enum: boardKinds }).notNull(),
    areaId: idRef('area_id')
      .notNull()
      .references(() => areas.id),
    period: text('period').notNull(),
    params: text('params').notNull(),
    snapshot: text('snapshot').notNull(),
    hash: text('hash').notNull(),
    chainEntryId: bigRef('chain_entry_id').notNull(),
    chainHash: text('chain_hash').notNull(),
    checkpointId: idRef('checkpoint_id').references(() => checkpoints.id),
    status: text('status', { enum: reviewStatuses }).notNull().default('pending'),
    version: integer('version'),
    proposedBy: idRef('proposed_by')
      .notNull()
      .references(() => users.id),
    proposedAt: millis('proposed_at').notNull(),
    reviewedBy: idRef('reviewed_by').references(() => users.id),
    reviewedAt: millis('reviewed_at'),
    rejectReason: text('reject_reason'),
  },
  (t) => [
    index('board_publications_area_idx').on(t.areaId, t.kind, t.period, t.status),
    index('board_publications_status_idx').on(t.status, t.id),
    uniqueIndex('board_publications_version_uq').on(t.kind, t.areaId, t.period, t.version),
  ],
);

export const rectifications = pgTable(
  'rectifications',
  {
    id: smallId(),
    ledgerEntryId: bigRef('ledger_entry_id')
      .notNull()
      .references(() => ledgerEntries.id),
    householdId: idRef('household_id')
      .notNull()
      .references(() => households.id),
    villageId: idRef('village_id')
      .notNull()
      .references(() => areas.id),
    note: text('note').notNull(),
    rectifiedOn: text('rectified_on').notNull(),
    status: text('status', { enum: reviewStatuses }).notNull().default('pending'),
    proposedBy: idRef('proposed_by')
      .notNull()
      .references(() => users.id),
    proposedAt: millis('proposed_at').notNull(),
    reviewedBy: idRef('reviewed_by').references(() => users.id),
    reviewedAt: millis('reviewed_at'),
    rejectReason: text('reject_reason'),
  },
  (t) => [
    index('rectifications_entry_idx').on(t.ledgerEntryId, t.status),
    index('rectifications_village_idx').on(t.villageId, t.status),
  ],
);
