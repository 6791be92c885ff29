ALTER TABLE `rule_versions` ADD `note` text;--> statement-breakpoint
ALTER TABLE `rules` ADD `note` text;