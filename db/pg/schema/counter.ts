import { pgTable, integer, text, index, primaryKey } from 'drizzle-orm/pg-core';
import { bigId, bigRef, millis, smallId, idRef } from './columns';
import { households } from './households';
import { goods } from './goods';

export const passUses = pgTable('pass_uses', {
  nonce: text('nonce').primaryKey(),
  householdId: idRef('household_id').notNull(),
  usedAt: millis('used_at').notNull(),
  redemptionId: bigRef('redemption_id'),
});

export const passCodes = pgTable(
  'pass_codes',
  {
    digest: text('digest').primaryKey(),
    nonce: text('nonce').notNull(),
    householdId: idRef('household_id').notNull(),
    expiresAt: millis('expires_at').notNull(),
  },
  (t) => [index('pass_codes_expires_idx').on(t.expiresAt)],
);

export const householdCards = pgTable(
  'household_cards',
  {
    id: smallId(),
    householdId: idRef('household_id')
      .notNull()
      .references(() => households.id),
    code: text('code').notNull().unique(),
    number: text('number').unique(),
    pinHash: text('pin_hash').notNull(),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    lockedAt: millis('locked_at'),
    revokedAt: millis('revoked_at'),
    createdBy: idRef('created_by'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('household_cards_household_idx').on(t.householdId)],
);

export const redemptions = pgTable(
  'redemptions',
  {
    id: bigId(),
    householdId: idRef('household_id')
      .notNull()
      .references(() => households.id),
    villageId: idRef('village_id').notNull(),
    storeAreaId: idRef('store_area_id').notNull(),
    clerkId: idRef('clerk_id').notNull(),
    points: integer('points').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    via: text('via', { enum: ['pass', 'card'] }).notNull(),
    ledgerEntryId: bigRef('ledger_entry_id'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('redemptions_household_idx').on(t.householdId, t.createdAt), index('redemptions_store_idx').on(t.storeAreaId, t.createdAt)],
);

export const redemptionItems = pgTable(
  'redemption_items',
  {
    redemptionId: bigRef('redemption_id')
      .notNull()
      .references(() => redemptions.id),
    goodsId: idRef('goods_id')
      .notNull()
      .references(() => goods.id),
    householdId: idRef('household_id').notNull(),
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

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: idRef('user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: text('body').notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);
