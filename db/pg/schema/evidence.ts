import { pgTable, integer, text, index, primaryKey } from 'drizzle-orm/pg-core';
import { evidenceFormats } from '../../schema/evidence';
import { awards } from './awards';
import { bigRef, millis, idRef } from './columns';
import { users } from './users';

export { evidenceFormats, type EvidenceFormat } from '../../schema/evidence';

/** Append-only (0001_append_only.sql): a ledger entry's hash covers the photo. */
export const evidenceFiles = pgTable('evidence_files', {
  hash: text('hash').primaryKey(),
  format: text('format', { enum: evidenceFormats }).notNull(),
  bytes: integer('bytes').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  createdAt: millis('created_at').notNull(),
});

export const evidenceUploads = pgTable(
  'evidence_uploads',
  {
    hash: text('hash')
      .notNull()
      .references(() => evidenceFiles.hash),
    userId: idRef('user_id')
      .notNull()
      .references(() => users.id),
    uploadedAt: millis('uploaded_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hash, t.userId] }), index('evidence_uploads_user_idx').on(t.userId, t.uploadedAt)],
);

/** Append-only (0001_append_only.sql). */
export const awardEvidence = pgTable(
  'award_evidence',
  {
    awardId: bigRef('award_id')
      .notNull()
      .references(() => awards.id),
    hash: text('hash')
      .notNull()
      .references(() => evidenceFiles.hash),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.awardId, t.hash] }), index('award_evidence_hash_idx').on(t.hash)],
);
