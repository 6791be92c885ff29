import { sqliteTable, integer, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { areas } from './areas';

export const checkpointReasons = ['daily', 'board', 'manual'] as const;
export type CheckpointReason = (typeof checkpointReasons)[number];

/**
 * A signed county checkpoint: every village chain's Merkle tree size and root, and a county root over
 * them, linked to the county's previous checkpoint. `body` is the RFC 8785 canonical JSON that was
 * signed (Ed25519, key outside the database); `hash` = SHA-256 of it. Append-only (triggers).
 */
export const checkpoints = sqliteTable(
  'checkpoints',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    countyId: integer('county_id')
      .notNull()
      .references(() => areas.id),
    // 1, 2, 3 … per county.
    seq: integer('seq').notNull(),
    issuedAt: integer('issued_at').notNull(),
    reason: text('reason', { enum: checkpointReasons }).notNull(),
    body: text('body').notNull(),
    hash: text('hash').notNull(),
    prevHash: text('prev_hash'),
    signature: text('signature').notNull(),
    keyFingerprint: text('key_fingerprint').notNull(),
  },
  (t) => [uniqueIndex('checkpoints_county_seq_uq').on(t.countyId, t.seq)],
);

/**
 * The right edge of each village's Merkle tree at the size last checkpointed, so the next checkpoint
 * hashes only the entries added since. A cache: it can be dropped and rebuilt from the ledger.
 */
export const merkleFrontiers = sqliteTable('merkle_frontiers', {
  villageId: integer('village_id')
    .primaryKey()
    .references(() => areas.id),
  treeSize: integer('tree_size').notNull(),
  // JSON array of hex subtree roots, largest first (one per set bit of tree_size).
  frontier: text('frontier').notNull(),
});
