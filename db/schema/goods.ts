import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { areas } from './areas';

/** Goods of one store; a store is a village, or a township whose store serves its villages. */
export const goods = sqliteTable(
  'goods',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    storeAreaId: integer('store_area_id')
      .notNull()
      .references(() => areas.id),
    name: text('name').notNull(),
    category: text('category'),
    price: integer('price').notNull(),
    unit: text('unit').notNull().default('件'),
    // Cached sum of stock movements; written only together with a movement.
    stock: integer('stock').notNull().default(0),
    monthlyLimit: integer('monthly_limit'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('goods_store_idx').on(t.storeAreaId)],
);

export const donations = sqliteTable(
  'donations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    storeAreaId: integer('store_area_id')
      .notNull()
      .references(() => areas.id),
    donorName: text('donor_name').notNull(),
    donorKind: text('donor_kind', { enum: ['enterprise', 'organisation', 'unit', 'person'] })
      .notNull()
      .default('enterprise'),
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull().default(false),
    goodsId: integer('goods_id').references(() => goods.id),
    quantity: integer('quantity'),
    // Money donations in fen (integer), goods donations carry an estimated value in fen.
    amountFen: integer('amount_fen'),
    description: text('description'),
    receivedOn: text('received_on').notNull(),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('donations_store_idx').on(t.storeAreaId, t.receivedOn)],
);

export const stockMovements = sqliteTable(
  'stock_movements',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    goodsId: integer('goods_id')
      .notNull()
      .references(() => goods.id),
    storeAreaId: integer('store_area_id').notNull(),
    kind: text('kind', { enum: ['purchase', 'donation', 'redemption', 'loss', 'return'] }).notNull(),
    quantity: integer('quantity').notNull(),
    stockAfter: integer('stock_after').notNull(),
    donationId: integer('donation_id').references(() => donations.id),
    redemptionId: integer('redemption_id'),
    note: text('note'),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('stock_movements_goods_idx').on(t.goodsId, t.id)],
);
