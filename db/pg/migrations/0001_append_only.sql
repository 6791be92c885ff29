-- The PostgreSQL twin of the SQLite triggers (db/migrations 0001, 0003, 0006, 0007, 0010, 0013): same names, same
-- conditions, same messages. Every refusal is SQLSTATE 23000 (integrity_constraint_violation), so the store maps
-- class 23 to "conflict" as it maps SQLITE_CONSTRAINT_* (a RAISE(ABORT) in a SQLite trigger is SQLITE_CONSTRAINT_TRIGGER).
-- PostgreSQL fires a table's triggers in name order; SQLite fires the newest first: the names below give the same
-- first message when several conditions hold (board_publications: checkpoint, decided, snapshot).
CREATE FUNCTION jifen_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = '23000';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('ledger_entries are append-only: record a reversal instead');
--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('ledger_entries are append-only: record a reversal instead');
--> statement-breakpoint
-- From here on every entry belongs to its village's chain. Copying an old database's version-1 rows takes the
-- table owner disabling this trigger for the copy (ALTER TABLE ... DISABLE TRIGGER), which the app role cannot do.
CREATE TRIGGER ledger_entries_in_village_chain BEFORE INSERT ON ledger_entries
FOR EACH ROW WHEN (NEW.hash_version NOT IN (2, 3) OR NEW.chain_id IS DISTINCT FROM NEW.village_id OR NEW.seq IS NULL OR NEW.seq < 1
  OR (NEW.hash_version = 3 AND (NEW.salt IS NULL OR NEW.private_digest IS NULL)))
EXECUTE FUNCTION jifen_refuse('ledger_entries: a new entry needs hash_version 2 or 3 (3 with salt and private_digest), chain_id = village_id and seq >= 1');
--> statement-breakpoint
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('stock_movements are append-only');
--> statement-breakpoint
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('stock_movements are append-only');
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('audit_log is append-only');
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('audit_log is append-only');
--> statement-breakpoint
CREATE TRIGGER household_category_history_no_update BEFORE UPDATE ON household_category_history
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('household_category_history is append-only');
--> statement-breakpoint
CREATE TRIGGER household_category_history_no_delete BEFORE DELETE ON household_category_history
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('household_category_history is append-only');
--> statement-breakpoint
CREATE TRIGGER board_publications_checkpoint_frozen BEFORE UPDATE ON board_publications
FOR EACH ROW WHEN (NEW.checkpoint_id IS DISTINCT FROM OLD.checkpoint_id)
EXECUTE FUNCTION jifen_refuse('board snapshots are append-only: publish a new version instead');
--> statement-breakpoint
CREATE TRIGGER board_publications_decided_frozen BEFORE UPDATE ON board_publications
FOR EACH ROW WHEN (OLD.status <> 'pending')
EXECUTE FUNCTION jifen_refuse('a published or rejected board is final');
--> statement-breakpoint
CREATE TRIGGER board_publications_snapshot_frozen BEFORE UPDATE ON board_publications
FOR EACH ROW WHEN (NEW.snapshot IS DISTINCT FROM OLD.snapshot OR NEW.hash IS DISTINCT FROM OLD.hash
  OR NEW.chain_hash IS DISTINCT FROM OLD.chain_hash OR NEW.chain_entry_id IS DISTINCT FROM OLD.chain_entry_id
  OR NEW.params IS DISTINCT FROM OLD.params OR NEW.kind IS DISTINCT FROM OLD.kind
  OR NEW.area_id IS DISTINCT FROM OLD.area_id OR NEW.period IS DISTINCT FROM OLD.period)
EXECUTE FUNCTION jifen_refuse('board snapshots are append-only: publish a new version instead');
--> statement-breakpoint
CREATE TRIGGER board_publications_no_delete BEFORE DELETE ON board_publications
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('board publications are append-only');
--> statement-breakpoint
CREATE TRIGGER rectifications_decided_frozen BEFORE UPDATE ON rectifications
FOR EACH ROW WHEN (OLD.status <> 'pending')
EXECUTE FUNCTION jifen_refuse('a decided rectification is final');
--> statement-breakpoint
CREATE TRIGGER rectifications_no_delete BEFORE DELETE ON rectifications
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('rectifications are append-only');
--> statement-breakpoint
CREATE TRIGGER award_evidence_no_update BEFORE UPDATE ON award_evidence
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('award_evidence is append-only');
--> statement-breakpoint
CREATE TRIGGER award_evidence_no_delete BEFORE DELETE ON award_evidence
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('award_evidence is append-only');
--> statement-breakpoint
CREATE TRIGGER evidence_files_no_update BEFORE UPDATE ON evidence_files
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('evidence_files is append-only');
--> statement-breakpoint
CREATE TRIGGER evidence_files_no_delete BEFORE DELETE ON evidence_files
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('evidence_files is append-only');
--> statement-breakpoint
CREATE TRIGGER fund_entries_no_update BEFORE UPDATE ON fund_entries
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('fund_entries are append-only: record a reversal instead');
--> statement-breakpoint
CREATE TRIGGER fund_entries_no_delete BEFORE DELETE ON fund_entries
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('fund_entries are append-only: record a reversal instead');
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('checkpoints are append-only');
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
FOR EACH ROW EXECUTE FUNCTION jifen_refuse('checkpoints are append-only');
--> statement-breakpoint
-- TRUNCATE skips row triggers (SQLite has no TRUNCATE: its DELETE without WHERE fires them): refuse it per statement.
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
FOR EACH STATEMENT EXECUTE FUNCTION jifen_refuse('ledger_entries are append-only: record a reversal instead');
--> statement-breakpoint
CREATE TRIGGER stock_movements_no_truncate BEFORE TRUNCATE ON stock_movements
FOR EACH STATEMENT EXECUTE FUNCTION jifen_refuse('stock_movements are append-only');
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION jifen_refuse('audit_log is append-only');
--> statement-breakpoint
CREATE TRIGGER household_category_history_no_truncate BEFORE TRUNCATE ON household_category_history
FOR EACH STATEMENT EXECUTE FUNCTION jifen_refuse('household_category_history is append-only');
--> statement-breakpoint
CREATE TRIGGER board_publications_no_truncate BEFORE TRUNCATE ON board_publications
FOR EACH STATEMENT EXECUTE FUNCTION jifen_refuse('board publications are append-only');
--> statement-breakpoint
CREATE TRIGGER rectifications_no_truncate BEFORE TRUNCATE ON rectifications
FOR EACH STATEMENT EXECUTE FUNCTION jifen_refuse('rectifications are append-only');
--> statement-breakpoint
CREATE TRIGGER award_evidence_no_truncate BEFORE TRUNCATE ON award_evidence
FOR EACH STATEMENT EXECUTE FUNCTION jifen_refuse('award_evidence is append-only');
--> statement-breakpoint
CREATE TRIGGER evidence_files_no_truncate BEFORE TRUNCATE ON evidence_files
FOR EACH STATEMENT EXECUTE FUNCTION jifen_refuse('evidence_files is append-only');
--> statement-breakpoint
CREATE TRIGGER fund_entries_no_truncate BEFORE TRUNCATE ON fund_entries
FOR EACH STATEMENT EXECUTE FUNCTION jifen_refuse('fund_entries are append-only: record a reversal instead');
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION jifen_refuse('checkpoints are append-only');
--> statement-breakpoint
-- A household's secret seed (128 bits, 32 hex) is set on insert when none is given (a copied household keeps its
-- own) and never changes. gen_random_uuid() is built in since PostgreSQL 13 (no pgcrypto); its 122 random bits,
-- less than SQLite's 128, are still far past guessing.
CREATE FUNCTION households_pseudonym_seed_assign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.pseudonym_seed := replace(gen_random_uuid()::text, '-', '');
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER households_pseudonym_seed_assign BEFORE INSERT ON households
FOR EACH ROW WHEN (NEW.pseudonym_seed IS NULL) EXECUTE FUNCTION households_pseudonym_seed_assign();
--> statement-breakpoint
-- Any UPDATE, not only UPDATE OF pseudonym_seed as in SQLite: a BEFORE trigger could otherwise change the column unseen.
CREATE TRIGGER households_pseudonym_seed_fixed BEFORE UPDATE ON households
FOR EACH ROW WHEN (OLD.pseudonym_seed IS NOT NULL AND NEW.pseudonym_seed IS DISTINCT FROM OLD.pseudonym_seed)
EXECUTE FUNCTION jifen_refuse('a household pseudonym seed never changes');
--> statement-breakpoint
-- The role that runs migrations owns the tables; the app should run as a role that owns nothing, but the triggers
-- hold either way (an owner can grant itself these back: that is a visible, deliberate act).
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entries, stock_movements, audit_log, household_category_history, award_evidence,
  evidence_files, fund_entries, checkpoints FROM PUBLIC, CURRENT_USER;
--> statement-breakpoint
-- A foreign-key check runs as the referenced table's owner and locks the row FOR KEY SHARE, which needs UPDATE on some
-- column: without it no rectification, evidence link, fund purchase or reversal, or board checkpoint could be inserted.
-- The owner gets it on the referenced key only; any UPDATE of that key is still refused by the table's trigger.
GRANT UPDATE (id) ON ledger_entries, stock_movements, fund_entries, checkpoints TO CURRENT_USER;
--> statement-breakpoint
GRANT UPDATE (hash) ON evidence_files TO CURRENT_USER;
--> statement-breakpoint
-- Pending boards and rectifications are decided by an UPDATE; nothing of theirs is ever deleted.
REVOKE DELETE, TRUNCATE ON board_publications, rectifications FROM PUBLIC, CURRENT_USER;
--> statement-breakpoint
-- The built-in county template's seven headings (SQLite 0011): ids 1-7 on a fresh database as there.
INSERT INTO rule_headings (area_id, code, name, sort_order, star_dimension, black_list, active, created_at, updated_at) VALUES
  (NULL, 'public_welfare', '公益劳动', 10, NULL, FALSE, TRUE, 0, 0),
  (NULL, 'hygiene', '环境卫生', 20, '卫生清洁星', FALSE, TRUE, 0, 0),
  (NULL, 'family_virtue', '孝老爱亲', 30, '孝老爱亲星', FALSE, TRUE, 0, 0),
  (NULL, 'civility', '移风易俗', 40, '移风易俗星', FALSE, TRUE, 0, 0),
  (NULL, 'law_abiding', '遵纪守法', 50, '遵纪守法星', FALSE, TRUE, 0, 0),
  (NULL, 'industrious', '勤劳致富', 60, '勤劳致富星', FALSE, TRUE, 0, 0),
  (NULL, 'education', '教育', 70, NULL, FALSE, TRUE, 0, 0);
--> statement-breakpoint
-- Cross-process cache invalidation (PRAGMA data_version's role): committing writes bump it, caches LISTEN.
INSERT INTO data_version (id, version) VALUES (1, 0);
--> statement-breakpoint
REVOKE DELETE, TRUNCATE ON data_version FROM PUBLIC, CURRENT_USER;
