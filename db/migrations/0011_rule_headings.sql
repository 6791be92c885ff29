CREATE TABLE `rule_headings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`area_id` integer,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`star_dimension` text,
	`black_list` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`area_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rule_headings_code_uq` ON `rule_headings` (`code`);--> statement-breakpoint
CREATE INDEX `rule_headings_area_idx` ON `rule_headings` (`area_id`);--> statement-breakpoint
INSERT INTO `rule_headings` (`area_id`, `code`, `name`, `sort_order`, `star_dimension`, `black_list`, `active`, `created_at`, `updated_at`) VALUES
	(NULL, 'public_welfare', '公益劳动', 10, NULL, 0, 1, 0, 0),
	(NULL, 'hygiene', '环境卫生', 20, '卫生清洁星', 0, 1, 0, 0),
	(NULL, 'family_virtue', '孝老爱亲', 30, '孝老爱亲星', 0, 1, 0, 0),
	(NULL, 'civility', '移风易俗', 40, '移风易俗星', 0, 1, 0, 0),
	(NULL, 'law_abiding', '遵纪守法', 50, '遵纪守法星', 0, 1, 0, 0),
	(NULL, 'industrious', '勤劳致富', 60, '勤劳致富星', 0, 1, 0, 0),
	(NULL, 'education', '教育', 70, NULL, 0, 1, 0, 0);
