CREATE TABLE `checkpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`county_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`issued_at` integer NOT NULL,
	`reason` text NOT NULL,
	`body` text NOT NULL,
	`hash` text NOT NULL,
	`prev_hash` text,
	`signature` text NOT NULL,
	`key_fingerprint` text NOT NULL,
	FOREIGN KEY (`county_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `checkpoints_county_seq_uq` ON `checkpoints` (`county_id`,`seq`);--> statement-breakpoint
CREATE TABLE `merkle_frontiers` (
	`village_id` integer PRIMARY KEY NOT NULL,
	`tree_size` integer NOT NULL,
	`frontier` text NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `households` ADD `pseudonym` text;--> statement-breakpoint
CREATE UNIQUE INDEX `households_pseudonym_uq` ON `households` (`pseudonym`);--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `salt` text;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `private_digest` text;--> statement-breakpoint
ALTER TABLE `board_publications` ADD `checkpoint_id` integer REFERENCES checkpoints(id);--> statement-breakpoint
-- Every household gets a random public pseudonym (64 bits) now and on insert; it never changes.
UPDATE `households` SET `pseudonym` = lower(hex(randomblob(8))) WHERE `pseudonym` IS NULL;--> statement-breakpoint
CREATE TRIGGER households_pseudonym_assign AFTER INSERT ON households
WHEN NEW.pseudonym IS NULL
BEGIN UPDATE households SET pseudonym = lower(hex(randomblob(8))) WHERE id = NEW.id; END;
--> statement-breakpoint
CREATE TRIGGER households_pseudonym_fixed BEFORE UPDATE OF pseudonym ON households
WHEN OLD.pseudonym IS NOT NULL AND NEW.pseudonym IS NOT OLD.pseudonym
BEGIN SELECT RAISE(ABORT, 'a household pseudonym never changes'); END;
--> statement-breakpoint
-- Version 3 entries (public part + salted private commitment) join the village chains.
DROP TRIGGER ledger_entries_in_village_chain;--> statement-breakpoint
CREATE TRIGGER ledger_entries_in_village_chain BEFORE INSERT ON ledger_entries
WHEN NEW.hash_version NOT IN (2, 3) OR NEW.chain_id IS NOT NEW.village_id OR NEW.seq IS NULL OR NEW.seq < 1
  OR (NEW.hash_version = 3 AND (NEW.salt IS NULL OR NEW.private_digest IS NULL))
BEGIN SELECT RAISE(ABORT, 'ledger_entries: a new entry needs hash_version 2 or 3 (3 with salt and private_digest), chain_id = village_id and seq >= 1'); END;
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER board_publications_checkpoint_frozen BEFORE UPDATE ON board_publications
WHEN NEW.checkpoint_id IS NOT OLD.checkpoint_id
BEGIN SELECT RAISE(ABORT, 'board snapshots are append-only: publish a new version instead'); END;
