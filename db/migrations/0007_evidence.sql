CREATE TABLE `award_evidence` (
	`award_id` integer NOT NULL,
	`hash` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`award_id`, `hash`),
	FOREIGN KEY (`award_id`) REFERENCES `awards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hash`) REFERENCES `evidence_files`(`hash`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `award_evidence_hash_idx` ON `award_evidence` (`hash`);--> statement-breakpoint
CREATE TABLE `evidence_files` (
	`hash` text PRIMARY KEY NOT NULL,
	`format` text NOT NULL,
	`bytes` integer NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `evidence_uploads` (
	`hash` text NOT NULL,
	`user_id` integer NOT NULL,
	`uploaded_at` integer NOT NULL,
	PRIMARY KEY(`hash`, `user_id`),
	FOREIGN KEY (`hash`) REFERENCES `evidence_files`(`hash`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evidence_uploads_user_idx` ON `evidence_uploads` (`user_id`,`uploaded_at`);--> statement-breakpoint
-- A ledger entry's hash covers its award's photos: neither the list nor a photo's row may change.
CREATE TRIGGER award_evidence_no_update BEFORE UPDATE ON award_evidence
BEGIN SELECT RAISE(ABORT, 'award_evidence is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER award_evidence_no_delete BEFORE DELETE ON award_evidence
BEGIN SELECT RAISE(ABORT, 'award_evidence is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER evidence_files_no_update BEFORE UPDATE ON evidence_files
BEGIN SELECT RAISE(ABORT, 'evidence_files is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER evidence_files_no_delete BEFORE DELETE ON evidence_files
BEGIN SELECT RAISE(ABORT, 'evidence_files is append-only'); END;
