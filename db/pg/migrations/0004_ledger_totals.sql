CREATE TABLE "ledger_month_totals" (
	"village_id" bigint NOT NULL,
	"month" text NOT NULL,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"points" bigint NOT NULL,
	"entries" bigint NOT NULL,
	CONSTRAINT "ledger_month_totals_village_id_month_kind_category_pk" PRIMARY KEY("village_id","month","kind","category")
);
--> statement-breakpoint
CREATE TABLE "village_period_awardees" (
	"village_id" bigint NOT NULL,
	"period" text NOT NULL,
	"households" bigint NOT NULL,
	CONSTRAINT "village_period_awardees_village_id_period_pk" PRIMARY KEY("village_id","period")
);
--> statement-breakpoint
-- Backfill from the ledger (db/ledger/totals.ts keeps them from here on; verify recomputes them the same way).
INSERT INTO "ledger_month_totals" ("village_id", "month", "kind", "category", "points", "entries")
SELECT village_id, substr(occurred_on, 1, 7), kind, COALESCE(category, ''), SUM(points), COUNT(*)
  FROM ledger_entries
 GROUP BY village_id, substr(occurred_on, 1, 7), kind, COALESCE(category, '');
--> statement-breakpoint
INSERT INTO "village_period_awardees" ("village_id", "period", "households")
SELECT x.village_id, x.period, COUNT(DISTINCT x.household_id)
  FROM (SELECT village_id, household_id, substr(occurred_on, 1, 4) AS period FROM ledger_entries WHERE kind = 'award'
        UNION ALL
        SELECT village_id, household_id, substr(occurred_on, 1, 4) || '-Q' || ((CAST(substr(occurred_on, 6, 2) AS INTEGER) + 2) / 3) FROM ledger_entries WHERE kind = 'award'
        UNION ALL
        SELECT village_id, household_id, substr(occurred_on, 1, 7) FROM ledger_entries WHERE kind = 'award') AS x
 GROUP BY x.village_id, x.period;
