import { pgTable, bigint, integer, text, index, uniqueIndex, check, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { fundEntryKinds, fundSources } from '../../schema/funds';
import { areas } from './areas';
import { bigRef, millis, smallId, idRef } from './columns';
import { goods, stockMovements } from './goods';

export { fundEntryKinds, fundSources } from '../../schema/funds';

/** Append-only (0001_append_only.sql); the check is the SQLite one, word for word. */
export const fundEntries = pgTable(
  'fund_entries',
  {
    id: smallId(),
    storeAreaId: idRef('store_area_id')
      .notNull()
      .references(() => areas.id),
    kind: text('kind', { enum: fundEntryKinds }).notNull(),
    source: text('source', { enum: fundSources }),
    sourceName: text('source_name'),
    // SQLite integers are 64-bit: a money amount is not narrowed to 21 million yuan here.
    amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
    onDay: text('on_day').notNull(),
    supplier: text('supplier'),
    invoiceNo: text('invoice_no'),
    movementId: bigRef('movement_id').references(() => stockMovements.id),
    goodsId: idRef('goods_id').references(() => goods.id),
    quantity: integer('quantity'),
    reversesId: idRef('reverses_id').references((): AnyPgColumn => fundEntries.id),
    note: text('note'),
    createdBy: idRef('created_by'),
    createdAt: millis('created_at').notNull(),
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
