CREATE TABLE `pass_codes` (
	`digest` text PRIMARY KEY NOT NULL,
	`nonce` text NOT NULL,
	`household_id` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pass_codes_expires_idx` ON `pass_codes` (`expires_at`);--> statement-breakpoint
ALTER TABLE `household_cards` ADD `number` text;--> statement-breakpoint
CREATE UNIQUE INDEX `household_cards_number_unique` ON `household_cards` (`number`);--> statement-breakpoint
ALTER TABLE `pass_uses` ADD `redemption_id` integer;