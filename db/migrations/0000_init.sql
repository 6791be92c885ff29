CREATE TABLE `areas` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`parent_id` integer,
	`path` text NOT NULL,
	`notice_days` integer,
	`mask_mode` text,
	`expiry_mode` text,
	`expiry_months` integer,
	`star_thresholds` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `areas_parent_idx` ON `areas` (`parent_id`);--> statement-breakpoint
CREATE INDEX `areas_path_idx` ON `areas` (`path`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ip` text,
	`user_agent` text,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`area_id` integer NOT NULL,
	`household_id` integer,
	`active` integer DEFAULT true NOT NULL,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE INDEX `users_area_idx` ON `users` (`area_id`);--> statement-breakpoint
CREATE TABLE `household_category_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`category` text NOT NULL,
	`valid_from` text NOT NULL,
	`reason` text,
	`changed_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `household_category_history_household_idx` ON `household_category_history` (`household_id`);--> statement-breakpoint
CREATE TABLE `household_members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`name` text NOT NULL,
	`relation` text DEFAULT 'other' NOT NULL,
	`id_number` text,
	`phone` text,
	`is_proxy` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `household_members_household_idx` ON `household_members` (`household_id`);--> statement-breakpoint
CREATE TABLE `households` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`village_id` integer NOT NULL,
	`group_id` integer,
	`head_name` text NOT NULL,
	`name_initials` text DEFAULT '' NOT NULL,
	`door_no` text,
	`phone` text,
	`id_number` text,
	`category` text DEFAULT 'general' NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`redemption_suspended` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `households_village_idx` ON `households` (`village_id`,`head_name`);--> statement-breakpoint
CREATE INDEX `households_initials_idx` ON `households` (`village_id`,`name_initials`);--> statement-breakpoint
CREATE UNIQUE INDEX `households_id_number_uq` ON `households` (`id_number`);--> statement-breakpoint
CREATE TABLE `rule_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule_id` integer NOT NULL,
	`version` integer NOT NULL,
	`category` text NOT NULL,
	`name` text NOT NULL,
	`points` integer NOT NULL,
	`unit` text NOT NULL,
	`monthly_cap` integer,
	`evidence_required` integer NOT NULL,
	`black_list` integer NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rule_versions_rule_version_uq` ON `rule_versions` (`rule_id`,`version`);--> statement-breakpoint
CREATE TABLE `rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`area_id` integer NOT NULL,
	`category` text NOT NULL,
	`name` text NOT NULL,
	`points` integer NOT NULL,
	`unit` text DEFAULT '次' NOT NULL,
	`monthly_cap` integer,
	`evidence_required` integer DEFAULT false NOT NULL,
	`black_list` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`current_version_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rules_area_idx` ON `rules` (`area_id`);--> statement-breakpoint
CREATE TABLE `award_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`village_id` integer,
	`rule_id` integer NOT NULL,
	`occurred_on` text NOT NULL,
	`count` integer NOT NULL,
	`note` text,
	`proposed_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `awards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`village_id` integer NOT NULL,
	`rule_id` integer NOT NULL,
	`rule_version_id` integer NOT NULL,
	`batch_id` integer,
	`quantity` integer NOT NULL,
	`points` integer NOT NULL,
	`occurred_on` text NOT NULL,
	`member_name` text,
	`note` text,
	`evidence_url` text,
	`status` text NOT NULL,
	`proposed_by` integer NOT NULL,
	`proposed_at` integer NOT NULL,
	`reviewed_by` integer,
	`reviewed_at` integer,
	`reject_reason` text,
	`notice_ends_at` integer,
	`posted_at` integer,
	`ledger_entry_id` integer,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rule_id`) REFERENCES `rules`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rule_version_id`) REFERENCES `rule_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`batch_id`) REFERENCES `award_batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `awards_village_status_idx` ON `awards` (`village_id`,`status`);--> statement-breakpoint
CREATE INDEX `awards_household_rule_idx` ON `awards` (`household_id`,`rule_id`,`occurred_on`);--> statement-breakpoint
CREATE INDEX `awards_status_notice_idx` ON `awards` (`status`,`notice_ends_at`);--> statement-breakpoint
CREATE INDEX `awards_batch_idx` ON `awards` (`batch_id`);--> statement-breakpoint
CREATE TABLE `objections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`award_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`reason` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`resolution` text,
	`resolved_by` integer,
	`resolved_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`award_id`) REFERENCES `awards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resolved_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `objections_award_idx` ON `objections` (`award_id`);--> statement-breakpoint
CREATE TABLE `chain_head` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_entry_id` integer NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `household_period_scores` (
	`household_id` integer NOT NULL,
	`period` text NOT NULL,
	`village_id` integer NOT NULL,
	`township_id` integer NOT NULL,
	`county_id` integer NOT NULL,
	`score` integer DEFAULT 0 NOT NULL,
	`earned` integer DEFAULT 0 NOT NULL,
	`deducted` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`household_id`, `period`),
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scores_village_period_idx` ON `household_period_scores` (`village_id`,`period`,`score`);--> statement-breakpoint
CREATE INDEX `scores_township_period_idx` ON `household_period_scores` (`township_id`,`period`,`score`);--> statement-breakpoint
CREATE INDEX `scores_county_period_idx` ON `household_period_scores` (`county_id`,`period`,`score`);--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`village_id` integer NOT NULL,
	`kind` text NOT NULL,
	`points` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`conduct_points` integer DEFAULT 0 NOT NULL,
	`occurred_on` text NOT NULL,
	`rule_id` integer,
	`category` text,
	`award_id` integer,
	`redemption_id` integer,
	`reverses_id` integer,
	`note` text,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ledger_household_idx` ON `ledger_entries` (`household_id`,`id`);--> statement-breakpoint
CREATE INDEX `ledger_village_day_idx` ON `ledger_entries` (`village_id`,`occurred_on`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_reverses_uq` ON `ledger_entries` (`reverses_id`);--> statement-breakpoint
CREATE TABLE `donations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_area_id` integer NOT NULL,
	`donor_name` text NOT NULL,
	`donor_kind` text DEFAULT 'enterprise' NOT NULL,
	`anonymous` integer DEFAULT false NOT NULL,
	`goods_id` integer,
	`quantity` integer,
	`amount_fen` integer,
	`description` text,
	`received_on` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`store_area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`goods_id`) REFERENCES `goods`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `donations_store_idx` ON `donations` (`store_area_id`,`received_on`);--> statement-breakpoint
CREATE TABLE `goods` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_area_id` integer NOT NULL,
	`name` text NOT NULL,
	`category` text,
	`price` integer NOT NULL,
	`unit` text DEFAULT '件' NOT NULL,
	`stock` integer DEFAULT 0 NOT NULL,
	`monthly_limit` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`store_area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `goods_store_idx` ON `goods` (`store_area_id`);--> statement-breakpoint
CREATE TABLE `stock_movements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`goods_id` integer NOT NULL,
	`store_area_id` integer NOT NULL,
	`kind` text NOT NULL,
	`quantity` integer NOT NULL,
	`stock_after` integer NOT NULL,
	`donation_id` integer,
	`redemption_id` integer,
	`note` text,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`goods_id`) REFERENCES `goods`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`donation_id`) REFERENCES `donations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `stock_movements_goods_idx` ON `stock_movements` (`goods_id`,`id`);--> statement-breakpoint
CREATE TABLE `household_cards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`code` text NOT NULL,
	`pin_hash` text NOT NULL,
	`failed_attempts` integer DEFAULT 0 NOT NULL,
	`locked_at` integer,
	`revoked_at` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `household_cards_code_unique` ON `household_cards` (`code`);--> statement-breakpoint
CREATE INDEX `household_cards_household_idx` ON `household_cards` (`household_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`user_id` integer NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `pass_uses` (
	`nonce` text PRIMARY KEY NOT NULL,
	`household_id` integer NOT NULL,
	`used_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `redemption_items` (
	`redemption_id` integer NOT NULL,
	`goods_id` integer NOT NULL,
	`household_id` integer NOT NULL,
	`month` text NOT NULL,
	`quantity` integer NOT NULL,
	`price` integer NOT NULL,
	`points` integer NOT NULL,
	PRIMARY KEY(`redemption_id`, `goods_id`),
	FOREIGN KEY (`redemption_id`) REFERENCES `redemptions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`goods_id`) REFERENCES `goods`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `redemption_items_limit_idx` ON `redemption_items` (`household_id`,`goods_id`,`month`);--> statement-breakpoint
CREATE TABLE `redemptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`village_id` integer NOT NULL,
	`store_area_id` integer NOT NULL,
	`clerk_id` integer NOT NULL,
	`points` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`via` text NOT NULL,
	`ledger_entry_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `redemptions_household_idx` ON `redemptions` (`household_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `redemptions_store_idx` ON `redemptions` (`store_area_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_id` integer,
	`actor_role` text,
	`area_id` integer,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`action` text NOT NULL,
	`before` text,
	`after` text,
	`ip` text,
	`user_agent` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_log` (`entity`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_area_idx` ON `audit_log` (`area_id`,`id`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
