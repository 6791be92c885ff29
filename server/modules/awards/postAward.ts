import { markAwardPosted, ruleCategory } from '../../../db/awards';
import type { Db } from '../../../db/client';
import { appendLedgerEntry } from '../../../db/ledger';
import type { AwardRow } from './loadAward';

/** Moves an approved award onto the ledger. Runs inside the caller's transaction; batches post hundreds, so prepared statements. */
export function postAward(db: Db, award: AwardRow, at: number, actorId: number | null): number {
  const entry = appendLedgerEntry(db, {
    householdId: award.householdId,
    villageId: award.villageId,
    kind: award.points < 0 ? 'deduction' : 'award',
    points: award.points,
    conductPoints: award.points,
    occurredOn: award.occurredOn,
    ruleId: award.ruleId,
    category: ruleCategory(db, award.ruleId),
    awardId: award.id,
    createdBy: actorId,
    createdAt: at,
  });
  markAwardPosted(db, award.id, at, entry.id);
  return entry.id;
}
