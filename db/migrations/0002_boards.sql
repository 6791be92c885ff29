CREATE TABLE `board_publications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`area_id` integer NOT NULL,
	`period` text NOT NULL,
	`params` text NOT NULL,
	`snapshot` text NOT NULL,
	`hash` text NOT NULL,
	`chain_entry_id` integer NOT NULL,
	`chain_hash` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`version` integer,
	`proposed_by` integer NOT NULL,
	`proposed_at` integer NOT NULL,
	`reviewed_by` integer,
	`reviewed_at` integer,
	`reject_reason` text,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `board_publications_area_idx` ON `board_publications` (`area_id`,`kind`,`period`,`status`);--> statement-breakpoint
CREATE INDEX `board_publications_status_idx` ON `board_publications` (`status`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `board_publications_version_uq` ON `board_publications` (`kind`,`area_id`,`period`,`version`);--> statement-breakpoint
CREATE TABLE `rectifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ledger_entry_id` integer NOT NULL,
	`household_id` integer NOT NULL,
	`village_id` integer NOT NULL,
	`note` text NOT NULL,
	`rectified_on` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`proposed_by` integer NOT NULL,
	`proposed_at` integer NOT NULL,
	`reviewed_by` integer,
	`reviewed_at` integer,
	`reject_reason` text,
	FOREIGN KEY (`ledger_entry_id`) REFERENCES `ledger_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rectifications_entry_idx` ON `rectifications` (`ledger_entry_id`,`status`);--> statement-breakpoint
CREATE INDEX `rectifications_village_idx` ON `rectifications` (`village_id`,`status`);