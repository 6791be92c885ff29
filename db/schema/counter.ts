import { sqliteTable, integer, text, index, primaryKey } from 'drizzle-orm/sqlite-core';
import { households } from './households';
import { goods } from './goods';

/** Nonces of one-time household codes already spent; the primary key makes reuse impossible. */
export const passUses = sqliteTable('pass_uses', {
  nonce: text('nonce').primaryKey(),
  householdId: integer('household_id').notNull(),
  usedAt: integer('used_at').notNull(),
  /** The redemption that spent it, so a second scan can show that receipt instead of charging again. */
  redemptionId: integer('redemption_id'),
});

/**
 * The typed twin of a live one-time code: the 18-digit number shown under the QR code, stored only as an
 * HMAC (a database reader cannot spend it) with the nonce it spends and its expiry. Rows past expiry are pruned.
 */
export const passCodes = sqliteTable(
  'pass_codes',
  {
    digest: text('digest').primaryKey(),
    nonce: text('nonce').notNull(),
    householdId: integer('household_id').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('pass_codes_expires_idx').on(t.expiresAt)],
);

/** Printed cards for households without phones: static code + PIN, revocable, locked after wrong PINs. */
export const householdCards = sqliteTable(
  'household_cards',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    code: text('code').notNull().unique(),
    /** The short number printed on the card, typed with the PIN when the QR code cannot be scanned. */
    number: text('number').unique(),
    pinHash: text('pin_hash').notNull(),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lockedAt: integer('locked_at'),
    revokedAt: integer('revoked_at'),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('household_cards_household_idx').on(t.householdId)],
);

export const redemptions = sqliteTable(
  'redemptions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    villageId: integer('village_id').notNull(),
    storeAreaId: integer('store_area_id').notNull(),
    clerkId: integer('clerk_id').notNull(),
    points: integer('points').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    via: text('via', { enum: ['pass', 'card'] }).notNull(),
    ledgerEntryId: integer('ledger_entry_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('redemptions_household_idx').on(t.householdId, t.createdAt), index('redemptions_store_idx').on(t.storeAreaId, t.createdAt)],
);

export const redemptionItems = sqliteTable(
  'redemption_items',
  {
    redemptionId: integer('redemption_id')
      .notNull()
      .references(() => redemptions.id),
    goodsId: integer('goods_id')
      .notNull()
      .references(() => goods.id),
    householdId: integer('household_id').notNull(),
    month: text('month').notNull(),
    quantity: integer('quantity').notNull(),
    price: integer('price').notNull(),
    points: integer('points').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.redemptionId, t.goodsId] }),
    index('redemption_items_limit_idx').on(t.householdId, t.goodsId, t.month),
  ],
);

/** Stored first responses so a retried request is answered again without charging twice. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    userId: integer('user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);
