import { bigint, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { bigRef, idRef, millis } from './columns';

/** A store's closed month: see db/schema/storeMonthCloses.ts. Derived, rewritten in place, not append-only. */
export const storeMonthCloses = pgTable(
  'store_month_closes',
  {
    storeAreaId: idRef('store_area_id').notNull(),
    month: text('month').notNull(),
    figures: text('figures').notNull(),
    closingFundsFen: bigint('closing_funds_fen', { mode: 'number' }).notNull(),
    closingStockFen: bigint('closing_stock_fen', { mode: 'number' }).notNull(),
    closingLayers: text('closing_layers').notNull(),
    movementHwm: bigRef('movement_hwm').notNull(),
    fundHwm: bigRef('fund_hwm').notNull(),
    closedAt: millis('closed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeAreaId, t.month] })],
);
