import { count } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { BulkWriter, directWriter, InsertBuffer, type HistoryWriter } from '../bulk';
import type { SqliteDb } from '../client';
import {
  awardBatches,
  awards,
  donations,
  goods,
  householdCategoryHistory,
  householdMembers,
  householdPeriodScores,
  households,
  ledgerEntries,
  redemptionItems,
  redemptions,
  rules,
  stockMovements,
  users,
} from '../schema';
import type { SqliteTx } from '../transaction';

export { finishBulkLoad, withBulkLoadSettings, type HistoryWriter } from '../bulk';

/**
 * Tables the generated history fills; their secondary indexes are built after the load. Written
 * through multi-row buffers and the bulk ledger writer, parents sometimes after children (foreign
 * keys are off during the load).
 */
export const SEED_BULK_TABLES = [
  'households',
  'household_members',
  'household_category_history',
  'awards',
  'award_batches',
  'ledger_entries',
  'household_period_scores',
  'redemptions',
  'redemption_items',
  'stock_movements',
  'donations',
  'audit_log',
] as const;

/**
 * Multi-row insert buffers for the history's plain rows, bound to one transaction: push rows while
 * generating, and `flushSeedBuffers` before the transaction commits.
 */
export function openSeedBuffers(tx: SqliteTx) {
  return {
    households: new InsertBuffer(tx, households, ['id', 'villageId', 'groupId', 'headName', 'nameInitials', 'doorNo', 'phone', 'idNumber', 'category', 'createdAt', 'updatedAt']),
    members: new InsertBuffer(tx, householdMembers, ['householdId', 'name', 'relation', 'idNumber', 'phone', 'isProxy', 'createdAt']),
    categories: new InsertBuffer(tx, householdCategoryHistory, ['householdId', 'category', 'validFrom', 'reason', 'changedBy', 'createdAt']),
    batches: new InsertBuffer(tx, awardBatches, ['id', 'villageId', 'ruleId', 'occurredOn', 'count', 'note', 'proposedBy', 'createdAt']),
    awards: new InsertBuffer(tx, awards, [
      'id', 'householdId', 'villageId', 'ruleId', 'ruleVersionId', 'batchId', 'quantity', 'points', 'occurredOn', 'memberName', 'note',
      'evidenceUrl', 'status', 'proposedBy', 'proposedAt', 'reviewedBy', 'reviewedAt', 'rejectReason', 'noticeEndsAt', 'postedAt', 'ledgerEntryId',
    ]),
    donations: new InsertBuffer(tx, donations, ['id', 'storeAreaId', 'donorName', 'donorKind', 'anonymous', 'goodsId', 'quantity', 'amountFen', 'description', 'receivedOn', 'createdBy', 'createdAt']),
    redemptions: new InsertBuffer(tx, redemptions, ['id', 'householdId', 'villageId', 'storeAreaId', 'clerkId', 'points', 'balanceAfter', 'via', 'ledgerEntryId', 'createdAt']),
    items: new InsertBuffer(tx, redemptionItems, ['redemptionId', 'goodsId', 'householdId', 'month', 'quantity', 'price', 'points']),
  };
}
export type SeedBuffers = ReturnType<typeof openSeedBuffers>;

/** Writes what the buffers hold; call before the transaction commits. */
export async function flushSeedBuffers(buffers: SeedBuffers): Promise<void> {
  for (const b of Object.values(buffers)) b.flush();
}

/**
 * The ledger and stock writer for one transaction: `direct` posts entry by entry through the ledger's
 * and stock's own functions, `bulk` does the same with multi-row statements (identical result).
 */
export function openHistoryWriter(tx: SqliteTx, kind: 'direct' | 'bulk'): HistoryWriter {
  return kind === 'bulk' ? new BulkWriter(tx) : directWriter(tx);
}

/** Rows per table, for progress lines and the seed's audit row. */
export async function seedTableCounts(db: SqliteDb): Promise<Record<string, number>> {
  const tables: Record<string, SQLiteTable> = { households, householdMembers, awards, ledgerEntries, redemptions, stockMovements, donations, goods, rules, users, householdPeriodScores };
  return Object.fromEntries(Object.entries(tables).map(([name, table]) => [name, db.select({ n: count() }).from(table).get()!.n]));
}
