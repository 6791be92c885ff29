import { sqliteTable, integer, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { ledgerKinds } from './ledger';

/**
 * Points and entries of the ledger per village, month ('YYYY-MM' of `occurred_on`), kind and category
 * ('' for none: the key cannot hold NULL), moved in the transaction of every ledger append
 * (db/ledger/totals.ts), so the dashboard reads villages × months rows instead of the ledger.
 * Equal at all times to a GROUP BY over ledger_entries; verify recomputes it.
 */
export const ledgerMonthTotals = sqliteTable(
  'ledger_month_totals',
  {
    villageId: integer('village_id').notNull(),
    month: text('month').notNull(),
    kind: text('kind', { enum: ledgerKinds }).notNull(),
    category: text('category').notNull(),
    points: integer('points').notNull(),
    entries: integer('entries').notNull(),
  },
  (t) => [primaryKey({ columns: [t.villageId, t.month, t.kind, t.category] })],
);

/**
 * How many households have at least one award entry of the village in the period ("2026", "2026-Q1",
 * "2026-03"): a distinct count, which month totals cannot add up to a quarter or year. Moved when a
 * household's first award of the period in that village is posted.
 */
export const villagePeriodAwardees = sqliteTable(
  'village_period_awardees',
  {
    villageId: integer('village_id').notNull(),
    period: text('period').notNull(),
    households: integer('households').notNull(),
  },
  (t) => [primaryKey({ columns: [t.villageId, t.period] })],
);
