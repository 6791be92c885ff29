CREATE TABLE `store_month_closes` (
	`store_area_id` integer NOT NULL,
	`month` text NOT NULL,
	`figures` text NOT NULL,
	`closing_funds_fen` integer NOT NULL,
	`closing_stock_fen` integer NOT NULL,
	`closing_layers` text NOT NULL,
	`movement_hwm` integer NOT NULL,
	`fund_hwm` integer NOT NULL,
	`closed_at` integer NOT NULL,
	PRIMARY KEY(`store_area_id`, `month`)
);
--> statement-breakpoint
CREATE INDEX `households_village_status_idx` ON `households` (`village_id`,`status`);