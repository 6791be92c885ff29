-- One hash chain per village. Entries written so far stay as they are (hash version 1, the old single
-- chain ordered by id); every village chain starts from that chain's head, so the old history is sealed into each.
CREATE TABLE `ledger_chains` (
	`village_id` integer PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL,
	`head_hash` text NOT NULL,
	`genesis_hash` text NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `areas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `ledger_chains` (`village_id`, `last_seq`, `head_hash`, `genesis_hash`)
SELECT a.`id`, 0, g.`hash`, g.`hash`
  FROM `areas` a,
       (SELECT COALESCE((SELECT `hash` FROM `chain_head` WHERE `id` = 1), '0000000000000000000000000000000000000000000000000000000000000000') AS `hash`) g
 WHERE a.`kind` = 'village';
--> statement-breakpoint
DROP TABLE `chain_head`;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `chain_id` integer;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `seq` integer;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `hash_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_chain_seq_uq` ON `ledger_entries` (`chain_id`,`seq`);--> statement-breakpoint
-- From here on every entry belongs to its village's chain: the old single chain can no longer grow.
CREATE TRIGGER ledger_entries_in_village_chain BEFORE INSERT ON ledger_entries
WHEN NEW.hash_version <> 2 OR NEW.chain_id IS NOT NEW.village_id OR NEW.seq IS NULL OR NEW.seq < 1
BEGIN SELECT RAISE(ABORT, 'ledger_entries: a new entry needs hash_version 2, chain_id = village_id and seq >= 1'); END;
