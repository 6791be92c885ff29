import { count, desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { ledgerEntries, rules } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { getHouseholdInScopeSync } from '../../lib/scope';
import { householdNotices } from './householdNotices';
import type { LedgerQuery } from './schemas';

const reversal = alias(ledgerEntries, 'reversal');

/** The household's balance and its ledger, newest first, with the rule behind each entry, and what staff did to its code, cards and account. */
export function getHouseholdLedger(ctx: Ctx, householdId: number, query: LedgerQuery) {
  const h = getHouseholdInScopeSync(ctx, householdId);
  const items = ctx.db
    .select({
      id: ledgerEntries.id,
      kind: ledgerEntries.kind,
      points: ledgerEntries.points,
      balanceAfter: ledgerEntries.balanceAfter,
      conductPoints: ledgerEntries.conductPoints,
      occurredOn: ledgerEntries.occurredOn,
      ruleId: ledgerEntries.ruleId,
      ruleName: rules.name,
      category: ledgerEntries.category,
      awardId: ledgerEntries.awardId,
      redemptionId: ledgerEntries.redemptionId,
      reversesId: ledgerEntries.reversesId,
      note: ledgerEntries.note,
      createdAt: ledgerEntries.createdAt,
      hash: ledgerEntries.hash,
      reversedById: reversal.id,
    })
    .from(ledgerEntries)
    .leftJoin(rules, eq(rules.id, ledgerEntries.ruleId))
    .leftJoin(reversal, eq(reversal.reversesId, ledgerEntries.id))
    .where(eq(ledgerEntries.householdId, householdId))
    .orderBy(desc(ledgerEntries.id))
    .limit(query.limit)
    .offset(query.offset)
    .all();
  const total = ctx.db.select({ n: count() }).from(ledgerEntries).where(eq(ledgerEntries.householdId, householdId)).get()?.n ?? 0;
  return { householdId, balance: h.balance, items, total, notices: householdNotices(ctx, householdId) };
}
