import { pgTable, integer, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { checkpointReasons } from '../../schema/proofs';
import { areas } from './areas';
import { millis, smallId, idRef } from './columns';

export { checkpointReasons, type CheckpointReason } from '../../schema/proofs';

/** Append-only (0001_append_only.sql). */
export const checkpoints = pgTable(
  'checkpoints',
  {
    id: smallId(),
    countyId: idRef('county_id')
      .notNull()
      .references(() => areas.id),
    seq: integer('seq').notNull(),
    issuedAt: millis('issued_at').notNull(),
    reason: text('reason', { enum: checkpointReasons }).notNull(),
    body: text('body').notNull(),
    hash: text('hash').notNull(),
    prevHash: text('prev_hash'),
    signature: text('signature').notNull(),
    keyFingerprint: text('key_fingerprint').notNull(),
  },
  (t) => [uniqueIndex('checkpoints_county_seq_uq').on(t.countyId, t.seq)],
);

export const merkleFrontiers = pgTable('merkle_frontiers', {
  villageId: idRef('village_id')
    .primaryKey()
    .references(() => areas.id),
  treeSize: integer('tree_size').notNull(),
  frontier: text('frontier').notNull(),
});
