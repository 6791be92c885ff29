CREATE TABLE `dishonesty_listings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`village_id` integer NOT NULL,
	`reason` text NOT NULL,
	`detail` text NOT NULL,
	`suspend_redemption` integer NOT NULL,
	`status` text NOT NULL,
	`proposed_by` integer NOT NULL,
	`proposed_at` integer NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	`decision_note` text,
	`removal_reason` text,
	`removal_proposed_by` integer,
	`removal_proposed_at` integer,
	`removed_by` integer,
	`removed_at` integer,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`removal_proposed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`removed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dishonesty_village_status_idx` ON `dishonesty_listings` (`village_id`,`status`);--> statement-breakpoint
CREATE INDEX `dishonesty_household_idx` ON `dishonesty_listings` (`household_id`);