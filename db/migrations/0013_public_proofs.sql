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
ALTER TABLE `households` ADD `pseudonym_seed` text;--> statement-breakpoint
CREATE UNIQUE INDEX `households_pseudonym_seed_uq` ON `households` (`pseudonym_seed`);--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `salt` text;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `private_digest` text;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `rule_public` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `board_publications` ADD `checkpoint_id` integer REFERENCES checkpoints(id);--> statement-breakpoint
-- Every household gets a secret random seed (128 bits) now and on insert; it never changes and is never
-- served. Its public pseudonyms (one per calendar year) are derived from it (db/ledger/pseudonym.ts).
UPDATE `households` SET `pseudonym_seed` = lower(hex(randomblob(16))) WHERE `pseudonym_seed` IS NULL;--> statement-breakpoint
CREATE TRIGGER households_pseudonym_seed_assign AFTER INSERT ON households
WHEN NEW.pseudonym_seed IS NULL
BEGIN UPDATE households SET pseudonym_seed = lower(hex(randomblob(16))) WHERE id = NEW.id; END;
--> statement-breakpoint
CREATE TRIGGER households_pseudonym_seed_fixed BEFORE UPDATE OF pseudonym_seed ON households
WHEN OLD.pseudonym_seed IS NOT NULL AND NEW.pseudonym_seed IS NOT OLD.pseudonym_seed
BEGIN SELECT RAISE(ABORT, 'a household pseudonym seed never changes'); END;
--> statement-breakpoint
-- The public ledger shows a deduction's rule only when it is a black-list rule (the published black list
-- names it anyway); a reversal of a deduction hides what the deduction hid. Entries written before this
-- upgrade are decided once here, as the boards decide (the award's rule version, else the rule), the only
-- change ever made to a stored ledger row: the column is new and no hash covers it on versions 1 and 2.
DROP TRIGGER ledger_entries_no_update;--> statement-breakpoint
UPDATE `ledger_entries` SET `rule_public` = 0
WHERE rule_id IS NOT NULL
  AND (kind = 'deduction' OR (kind = 'reversal' AND (SELECT o.kind FROM ledger_entries o WHERE o.id = ledger_entries.reverses_id) = 'deduction'))
  AND COALESCE((SELECT v.black_list FROM awards a JOIN rule_versions v ON v.id = a.rule_version_id WHERE a.id = ledger_entries.award_id),
               (SELECT r.black_list FROM rules r WHERE r.id = ledger_entries.rule_id), 0) = 0;--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries are append-only: record a reversal instead'); END;
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
