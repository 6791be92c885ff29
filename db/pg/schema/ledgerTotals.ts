import { bigint, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ledgerKinds } from '../../schema/ledger';
import { idRef } from './columns';

/** Per village, month, kind and category ('' for none): see db/schema/ledgerTotals.ts. Updated in place, not append-only. */
export const ledgerMonthTotals = pgTable(
  'ledger_month_totals',
  {
    villageId: idRef('village_id').notNull(),
    month: text('month').notNull(),
    kind: text('kind', { enum: ledgerKinds }).notNull(),
    category: text('category').notNull(),
    points: bigint('points', { mode: 'number' }).notNull(),
    entries: bigint('entries', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.villageId, t.month, t.kind, t.category] })],
);

/** Households with an award entry of the village in the period: see db/schema/ledgerTotals.ts. */
export const villagePeriodAwardees = pgTable(
  'village_period_awardees',
  {
    villageId: idRef('village_id').notNull(),
    period: text('period').notNull(),
    households: bigint('households', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.villageId, t.period] })],
);
