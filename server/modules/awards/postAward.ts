import { eq } from 'drizzle-orm';
import { awards, rules } from '../../../db/schema';
import type { Db } from '../../../db/client';
import { appendLedgerEntry } from '../../../db/ledger';
import type { AwardRow } from './loadAward';

/** Moves an approved award onto the ledger. Runs inside the caller's transaction. */
export function postAward(db: Db, award: AwardRow, at: number, actorId: number | null): number {
  const rule = db.select({ category: rules.category }).from(rules).where(eq(rules.id, award.ruleId)).get();
  const entry = appendLedgerEntry(db, {
    householdId: award.householdId,
    villageId: award.villageId,
    kind: award.points < 0 ? 'deduction' : 'award',
    points: award.points,
    conductPoints: award.points,
    occurredOn: award.occurredOn,
    ruleId: award.ruleId,
    category: rule?.category ?? null,
    awardId: award.id,
    createdBy: actorId,
    createdAt: at,
  });
  db.update(awards).set({ status: 'posted', postedAt: at, ledgerEntryId: entry.id }).where(eq(awards.id, award.id)).run();
  return entry.id;
}
