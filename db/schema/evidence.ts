import { sqliteTable, integer, text, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { awards } from './awards';
import { users } from './users';

export const evidenceFormats = ['jpeg'] as const;
export type EvidenceFormat = (typeof evidenceFormats)[number];

/**
 * A photo as stored: re-encoded by the server (no EXIF) and named by the sha256 of its stored bytes,
 * in the evidence directory beside the database (`ab/cdef…`). Rows are only added: a photo a ledger
 * entry's hash covers must stay where it is.
 */
export const evidenceFiles = sqliteTable('evidence_files', {
  hash: text('hash').primaryKey(),
  format: text('format', { enum: evidenceFormats }).notNull(),
  bytes: integer('bytes').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Who uploaded a photo: only they may attach it to a proposal (a hash seen elsewhere is not enough). */
export const evidenceUploads = sqliteTable(
  'evidence_uploads',
  {
    hash: text('hash')
      .notNull()
      .references(() => evidenceFiles.hash),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    uploadedAt: integer('uploaded_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hash, t.userId] }), index('evidence_uploads_user_idx').on(t.userId, t.uploadedAt)],
);

/** The photos of an award; the award's ledger entry hashes them (sorted), so the chain covers them. */
export const awardEvidence = sqliteTable(
  'award_evidence',
  {
    awardId: integer('award_id')
      .notNull()
      .references(() => awards.id),
    hash: text('hash')
      .notNull()
      .references(() => evidenceFiles.hash),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.awardId, t.hash] }), index('award_evidence_hash_idx').on(t.hash)],
);
