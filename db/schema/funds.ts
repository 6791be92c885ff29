import { sqliteTable, integer, text, index, uniqueIndex, check, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { areas } from './areas';
import { goods, stockMovements } from './goods';

export const fundSources = ['budget', 'partner', 'donation', 'collective'] as const;
export const fundEntryKinds = ['funding', 'purchase', 'reversal'] as const;

/**
 * 资金台账: the money of one store, append-only like the points ledger (triggers refuse UPDATE and
 * DELETE). `amount_fen` is the signed change of the store's funds: money in (funding) is positive,
 * a purchase's cost negative, a reversal the exact opposite of the entry it reverses.
 */
export const fundEntries = sqliteTable(
  'fund_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    storeAreaId: integer('store_area_id')
      .notNull()
      .references(() => areas.id),
    kind: text('kind', { enum: fundEntryKinds }).notNull(),
    // 财政拨款 / 帮扶单位 / 社会捐赠 / 村集体 (funding only).
    source: text('source', { enum: fundSources }),
    sourceName: text('source_name'),
    amountFen: integer('amount_fen').notNull(),
    // The book day: when the money came in, or the day the goods were bought; a reversal's day is when it was made.
    onDay: text('on_day').notNull(),
    supplier: text('supplier'),
    invoiceNo: text('invoice_no'),
    // A purchase's cost belongs to exactly one purchase stock movement.
    movementId: integer('movement_id').references(() => stockMovements.id),
    goodsId: integer('goods_id').references(() => goods.id),
    quantity: integer('quantity'),
    reversesId: integer('reverses_id').references((): AnySQLiteColumn => fundEntries.id),
    note: text('note'),
    createdBy: integer('created_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('fund_entries_store_day_idx').on(t.storeAreaId, t.onDay),
    index('fund_entries_movement_idx').on(t.movementId),
    uniqueIndex('fund_entries_reverses_uq').on(t.reversesId),
    check(
      'fund_entries_kind_shape',
      sql`(${t.kind} = 'funding' AND ${t.amountFen} > 0 AND ${t.source} IS NOT NULL AND ${t.movementId} IS NULL AND ${t.reversesId} IS NULL)
       OR (${t.kind} = 'purchase' AND ${t.amountFen} < 0 AND ${t.movementId} IS NOT NULL AND ${t.goodsId} IS NOT NULL AND ${t.quantity} > 0 AND ${t.reversesId} IS NULL)
       OR (${t.kind} = 'reversal' AND ${t.amountFen} <> 0 AND ${t.reversesId} IS NOT NULL)`,
    ),
  ],
);
