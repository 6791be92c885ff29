import { sqliteTable, integer, text, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * A store's money and stock per closed month (db/funds/closes.ts): what the month's statement adds up
 * (`figures`, JSON), the funds and stock value at its end, and the FIFO shelf at its end (`closing_layers`,
 * JSON) so a statement goes on from here instead of replaying the store's whole history. Derived data:
 * rewritten when a late entry reaches back into the month (movements or fund entries past the high-water
 * ids); verify recomputes every close from the books.
 */
export const storeMonthCloses = sqliteTable(
  'store_month_closes',
  {
    storeAreaId: integer('store_area_id').notNull(),
    month: text('month').notNull(),
    figures: text('figures').notNull(),
    closingFundsFen: integer('closing_funds_fen').notNull(),
    closingStockFen: integer('closing_stock_fen').notNull(),
    closingLayers: text('closing_layers').notNull(),
    // The highest movement id the shelf covers, and the fund entry id up to which the month's books were final.
    movementHwm: integer('movement_hwm').notNull(),
    fundHwm: integer('fund_hwm').notNull(),
    closedAt: integer('closed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeAreaId, t.month] })],
);
