CREATE TABLE `fund_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_area_id` integer NOT NULL,
	`kind` text NOT NULL,
	`source` text,
	`source_name` text,
	`amount_fen` integer NOT NULL,
	`on_day` text NOT NULL,
	`supplier` text,
	`invoice_no` text,
	`movement_id` integer,
	`goods_id` integer,
	`quantity` integer,
	`reverses_id` integer,
	`note` text,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`store_area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`movement_id`) REFERENCES `stock_movements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`goods_id`) REFERENCES `goods`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reverses_id`) REFERENCES `fund_entries`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "fund_entries_kind_shape" CHECK(("fund_entries"."kind" = 'funding' AND "fund_entries"."amount_fen" > 0 AND "fund_entries"."source" IS NOT NULL AND "fund_entries"."movement_id" IS NULL AND "fund_entries"."reverses_id" IS NULL)
       OR ("fund_entries"."kind" = 'purchase' AND "fund_entries"."amount_fen" < 0 AND "fund_entries"."movement_id" IS NOT NULL AND "fund_entries"."goods_id" IS NOT NULL AND "fund_entries"."quantity" > 0 AND "fund_entries"."reverses_id" IS NULL)
       OR ("fund_entries"."kind" = 'reversal' AND "fund_entries"."amount_fen" <> 0 AND "fund_entries"."reverses_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX `fund_entries_store_day_idx` ON `fund_entries` (`store_area_id`,`on_day`);--> statement-breakpoint
CREATE INDEX `fund_entries_movement_idx` ON `fund_entries` (`movement_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `fund_entries_reverses_uq` ON `fund_entries` (`reverses_id`);--> statement-breakpoint
ALTER TABLE `areas` ADD `point_value_fen` integer;--> statement-breakpoint
-- The money books are append-only like the ledger: a mistake is undone by a reversing entry.
CREATE TRIGGER fund_entries_no_update BEFORE UPDATE ON fund_entries
BEGIN SELECT RAISE(ABORT, 'fund_entries are append-only: record a reversal instead'); END;
--> statement-breakpoint
CREATE TRIGGER fund_entries_no_delete BEFORE DELETE ON fund_entries
BEGIN SELECT RAISE(ABORT, 'fund_entries are append-only: record a reversal instead'); END;
