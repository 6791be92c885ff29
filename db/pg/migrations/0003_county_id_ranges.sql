-- County k's ids lie in [k·10^10, (k+1)·10^10) (db/idRange.ts), past 2^31: every key and every column holding one
-- becomes bigint. PostgreSQL refuses to change a column that a trigger's WHEN names, so those three triggers are
-- dropped and made again word for word (0001_append_only.sql) inside this migration's transaction.
DROP TRIGGER ledger_entries_in_village_chain ON ledger_entries;--> statement-breakpoint
DROP TRIGGER board_publications_checkpoint_frozen ON board_publications;--> statement-breakpoint
DROP TRIGGER board_publications_snapshot_frozen ON board_publications;--> statement-breakpoint
ALTER TABLE "areas" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "areas" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "areas" ALTER COLUMN "parent_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "sessions" ALTER COLUMN "user_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "area_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_category_history" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_category_history" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "household_category_history" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_category_history" ALTER COLUMN "changed_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_members" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_members" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "household_members" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "households" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "households" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "households" ALTER COLUMN "village_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "households" ALTER COLUMN "group_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rule_headings" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rule_headings" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "rule_headings" ALTER COLUMN "area_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rule_versions" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rule_versions" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "rule_versions" ALTER COLUMN "rule_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rule_versions" ALTER COLUMN "created_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rules" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rules" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "rules" ALTER COLUMN "area_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rules" ALTER COLUMN "current_version_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "award_batches" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "award_batches" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "award_batches" ALTER COLUMN "village_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "award_batches" ALTER COLUMN "rule_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "award_batches" ALTER COLUMN "proposed_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "awards" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "awards" ALTER COLUMN "village_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "awards" ALTER COLUMN "rule_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "awards" ALTER COLUMN "rule_version_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "awards" ALTER COLUMN "batch_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "awards" ALTER COLUMN "proposed_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "awards" ALTER COLUMN "reviewed_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "objections" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "objections" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "objections" ALTER COLUMN "user_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "objections" ALTER COLUMN "resolved_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_period_scores" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_period_scores" ALTER COLUMN "village_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_period_scores" ALTER COLUMN "township_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_period_scores" ALTER COLUMN "county_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "ledger_chains" ALTER COLUMN "village_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "village_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "rule_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "created_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "chain_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "donations" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "donations" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "donations" ALTER COLUMN "store_area_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "donations" ALTER COLUMN "goods_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "donations" ALTER COLUMN "created_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "goods" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "goods" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "goods" ALTER COLUMN "store_area_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "stock_movements" ALTER COLUMN "goods_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "stock_movements" ALTER COLUMN "store_area_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "stock_movements" ALTER COLUMN "donation_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "stock_movements" ALTER COLUMN "created_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_cards" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_cards" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "household_cards" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "household_cards" ALTER COLUMN "created_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ALTER COLUMN "user_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "pass_codes" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "pass_uses" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "redemption_items" ALTER COLUMN "goods_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "redemption_items" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "redemptions" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "redemptions" ALTER COLUMN "village_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "redemptions" ALTER COLUMN "store_area_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "redemptions" ALTER COLUMN "clerk_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "actor_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "area_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "board_publications" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "board_publications" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "board_publications" ALTER COLUMN "area_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "board_publications" ALTER COLUMN "checkpoint_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "board_publications" ALTER COLUMN "proposed_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "board_publications" ALTER COLUMN "reviewed_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rectifications" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rectifications" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "rectifications" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rectifications" ALTER COLUMN "village_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rectifications" ALTER COLUMN "proposed_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rectifications" ALTER COLUMN "reviewed_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "dishonesty_listings" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "dishonesty_listings" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "dishonesty_listings" ALTER COLUMN "household_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "dishonesty_listings" ALTER COLUMN "village_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "dishonesty_listings" ALTER COLUMN "proposed_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "dishonesty_listings" ALTER COLUMN "decided_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "dishonesty_listings" ALTER COLUMN "removal_proposed_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "dishonesty_listings" ALTER COLUMN "removed_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "evidence_uploads" ALTER COLUMN "user_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "request_keys" ALTER COLUMN "user_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "fund_entries" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "fund_entries" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "fund_entries" ALTER COLUMN "store_area_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "fund_entries" ALTER COLUMN "goods_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "fund_entries" ALTER COLUMN "reverses_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "fund_entries" ALTER COLUMN "created_by" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "checkpoints" ALTER COLUMN "id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "checkpoints" ALTER COLUMN "id" SET MAXVALUE 9223372036854775807;--> statement-breakpoint
ALTER TABLE "checkpoints" ALTER COLUMN "county_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "merkle_frontiers" ALTER COLUMN "village_id" SET DATA TYPE bigint;--> statement-breakpoint
CREATE TRIGGER ledger_entries_in_village_chain BEFORE INSERT ON ledger_entries
FOR EACH ROW WHEN (NEW.hash_version NOT IN (2, 3) OR NEW.chain_id IS DISTINCT FROM NEW.village_id OR NEW.seq IS NULL OR NEW.seq < 1
  OR (NEW.hash_version = 3 AND (NEW.salt IS NULL OR NEW.private_digest IS NULL)))
EXECUTE FUNCTION jifen_refuse('ledger_entries: a new entry needs hash_version 2 or 3 (3 with salt and private_digest), chain_id = village_id and seq >= 1');
--> statement-breakpoint
CREATE TRIGGER board_publications_checkpoint_frozen BEFORE UPDATE ON board_publications
FOR EACH ROW WHEN (NEW.checkpoint_id IS DISTINCT FROM OLD.checkpoint_id)
EXECUTE FUNCTION jifen_refuse('board snapshots are append-only: publish a new version instead');
--> statement-breakpoint
CREATE TRIGGER board_publications_snapshot_frozen BEFORE UPDATE ON board_publications
FOR EACH ROW WHEN (NEW.snapshot IS DISTINCT FROM OLD.snapshot OR NEW.hash IS DISTINCT FROM OLD.hash
  OR NEW.chain_hash IS DISTINCT FROM OLD.chain_hash OR NEW.chain_entry_id IS DISTINCT FROM OLD.chain_entry_id
  OR NEW.params IS DISTINCT FROM OLD.params OR NEW.kind IS DISTINCT FROM OLD.kind
  OR NEW.area_id IS DISTINCT FROM OLD.area_id OR NEW.period IS DISTINCT FROM OLD.period)
EXECUTE FUNCTION jifen_refuse('board snapshots are append-only: publish a new version instead');
