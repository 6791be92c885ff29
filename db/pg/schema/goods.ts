import { pgTable, bigint, integer, text, boolean, index } from 'drizzle-orm/pg-core';
import { areas } from './areas';
import { bigId, bigRef, millis, smallId, idRef } from './columns';

export const goods = pgTable(
  'goods',
  {
    id: smallId(),
    storeAreaId: idRef('store_area_id')
      .notNull()
      .references(() => areas.id),
    name: text('name').notNull(),
    category: text('category'),
    price: integer('price').notNull(),
    unit: text('unit').notNull().default('件'),
    stock: integer('stock').notNull().default(0),
    monthlyLimit: integer('monthly_limit'),
    active: boolean('active').notNull().default(true),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [index('goods_store_idx').on(t.storeAreaId)],
);

export const donations = pgTable(
  'donations',
  {
    id: smallId(),
    storeAreaId: idRef('store_area_id')
      .notNull()
      .references(() => areas.id),
    donorName: text('donor_name').notNull(),
    donorKind: text('donor_kind', { enum: ['enterprise', 'organisation', 'unit', 'person'] })
      .notNull()
      .default('enterprise'),
    anonymous: boolean('anonymous').notNull().default(false),
    goodsId: idRef('goods_id').references(() => goods.id),
    quantity: integer('quantity'),
    // Bigint like fund_entries.amount_fen: SQLite integers are 64-bit.
    amountFen: bigint('amount_fen', { mode: 'number' }),
    description: text('description'),
    receivedOn: text('received_on').notNull(),
    createdBy: idRef('created_by'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('donations_store_idx').on(t.storeAreaId, t.receivedOn)],
);

/** Append-only (0001_append_only.sql); one row per line of every redemption, hence a bigint key. */
export const stockMovements = pgTable(
  'stock_movements',
  {
    id: bigId(),
    goodsId: idRef('goods_id')
      .notNull()
      .references(() => goods.id),
    storeAreaId: idRef('store_area_id').notNull(),
    kind: text('kind', { enum: ['purchase', 'donation', 'redemption', 'loss', 'return'] }).notNull(),
    quantity: integer('quantity').notNull(),
    stockAfter: integer('stock_after').notNull(),
    donationId: idRef('donation_id').references(() => donations.id),
    redemptionId: bigRef('redemption_id'),
    note: text('note'),
    createdBy: idRef('created_by'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('stock_movements_goods_idx').on(t.goodsId, t.id)],
);
