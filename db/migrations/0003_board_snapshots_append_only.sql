-- A board snapshot never changes once proposed, a decided (published or rejected) row never changes at all,
-- and nothing is ever deleted: a corrected board is a new version.
CREATE TRIGGER board_publications_snapshot_frozen BEFORE UPDATE ON board_publications
WHEN NEW.snapshot IS NOT OLD.snapshot OR NEW.hash IS NOT OLD.hash OR NEW.chain_hash IS NOT OLD.chain_hash
  OR NEW.chain_entry_id IS NOT OLD.chain_entry_id OR NEW.params IS NOT OLD.params OR NEW.kind IS NOT OLD.kind
  OR NEW.area_id IS NOT OLD.area_id OR NEW.period IS NOT OLD.period
BEGIN SELECT RAISE(ABORT, 'board snapshots are append-only: publish a new version instead'); END;
--> statement-breakpoint
CREATE TRIGGER board_publications_decided_frozen BEFORE UPDATE ON board_publications
WHEN OLD.status <> 'pending'
BEGIN SELECT RAISE(ABORT, 'a published or rejected board is final'); END;
--> statement-breakpoint
CREATE TRIGGER board_publications_no_delete BEFORE DELETE ON board_publications
BEGIN SELECT RAISE(ABORT, 'board publications are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER rectifications_decided_frozen BEFORE UPDATE ON rectifications
WHEN OLD.status <> 'pending'
BEGIN SELECT RAISE(ABORT, 'a decided rectification is final'); END;
--> statement-breakpoint
CREATE TRIGGER rectifications_no_delete BEFORE DELETE ON rectifications
BEGIN SELECT RAISE(ABORT, 'rectifications are append-only'); END;
