import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { areas } from './areas';
import { households } from './households';
import { ledgerEntries } from './ledger';
import { users } from './users';
import { checkpoints } from './proofs';

export const boardKinds = ['red', 'black', 'stars', 'leaderboard', 'villages'] as const;
export type BoardKind = (typeof boardKinds)[number];

export const reviewStatuses = ['pending', 'approved', 'rejected'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];

/**
 * A board proposed for publication and, once a reviewer approves it, published. `snapshot` is the
 * canonical JSON of exactly what is shown, frozen at proposal; `hash` = SHA-256 over that JSON and the
 * ledger chain head it was computed from. Triggers (custom migration) refuse any change to a snapshot,
 * any change to a decided row, and every DELETE: later ledger changes produce a new version.
 */
export const boardPublications = sqliteTable(
  'board_publications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: boardKinds }).notNull(),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    period: text('period').notNull(),
    // Parameters the board was computed with (categories, star method ...), canonical JSON.
    params: text('params').notNull(),
    snapshot: text('snapshot').notNull(),
    hash: text('hash').notNull(),
    chainEntryId: integer('chain_entry_id').notNull(),
    chainHash: text('chain_hash').notNull(),
    // The signed checkpoint made in the proposal's transaction: the board's figures are those of its tree sizes.
    checkpointId: integer('checkpoint_id').references(() => checkpoints.id),
    status: text('status', { enum: reviewStatuses }).notNull().default('pending'),
    // 1, 2, 3 ... per (kind, area, period), assigned when published.
    version: integer('version'),
    proposedBy: integer('proposed_by')
      .notNull()
      .references(() => users.id),
    proposedAt: integer('proposed_at').notNull(),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    reviewedAt: integer('reviewed_at'),
    rejectReason: text('reject_reason'),
  },
  (t) => [
    index('board_publications_area_idx').on(t.areaId, t.kind, t.period, t.status),
    index('board_publications_status_idx').on(t.status, t.id),
    uniqueIndex('board_publications_version_uq').on(t.kind, t.areaId, t.period, t.version),
  ],
);

/**
 * 整改: a cadre records that a household has put right the conduct behind one black-list deduction.
 * Reviewed like an award; once approved the entry leaves the black list.
 */
export const rectifications = sqliteTable(
  'rectifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ledgerEntryId: integer('ledger_entry_id')
      .notNull()
      .references(() => ledgerEntries.id),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    villageId: integer('village_id')
      .notNull()
      .references(() => areas.id),
    note: text('note').notNull(),
    rectifiedOn: text('rectified_on').notNull(),
    status: text('status', { enum: reviewStatuses }).notNull().default('pending'),
    proposedBy: integer('proposed_by')
      .notNull()
      .references(() => users.id),
    proposedAt: integer('proposed_at').notNull(),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    reviewedAt: integer('reviewed_at'),
    rejectReason: text('reject_reason'),
  },
  (t) => [
    index('rectifications_entry_idx').on(t.ledgerEntryId, t.status),
    index('rectifications_village_idx').on(t.villageId, t.status),
  ],
);
