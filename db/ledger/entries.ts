import { asc, count, desc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../client';
import { areas, goods, ledgerEntries, redemptionItems, redemptions, rules } from '../schema';
import type { LedgerKind } from '../schema/ledger';
import type { Tx } from '../transaction';

export type { LedgerKind };
export type LedgerEntryRow = typeof ledgerEntries.$inferSelect;

/** An entry with the materialised path of its village (for the scope check). */
export async function ledgerEntryWithVillagePath(db: Db, id: number): Promise<(LedgerEntryRow & { villagePath: string }) | undefined> {
  const row = db
    .select({ entry: ledgerEntries, villagePath: areas.path })
    .from(ledgerEntries)
    .innerJoin(areas, eq(areas.id, ledgerEntries.villageId))
    .where(eq(ledgerEntries.id, id))
    .get();
  return row && { ...row.entry, villagePath: row.villagePath };
}

/** The id of the entry that reverses `id`, if there is one. */
export async function reversalOf(db: Db, id: number): Promise<number | undefined> {
  return db.select({ id: ledgerEntries.id }).from(ledgerEntries).where(eq(ledgerEntries.reversesId, id)).get()?.id;
}

/** The goods and quantities of a redemption, in goods id order (the order goods are locked in). */
export async function redemptionLines(tx: Tx, redemptionId: number): Promise<{ goodsId: number; quantity: number }[]> {
  return tx
    .select({ goodsId: redemptionItems.goodsId, quantity: redemptionItems.quantity })
    .from(redemptionItems)
    .where(eq(redemptionItems.redemptionId, redemptionId))
    .orderBy(redemptionItems.goodsId)
    .all();
}

export interface LedgerPageItem {
  id: number;
  kind: LedgerKind;
  points: number;
  balanceAfter: number;
  conductPoints: number;
  occurredOn: string;
  ruleId: number | null;
  ruleName: string | null;
  category: string | null;
  awardId: number | null;
  redemptionId: number | null;
  reversesId: number | null;
  note: string | null;
  createdAt: number;
  hash: string;
  /** The entry that reversed this one, if any. */
  reversedById: number | null;
}

const reversal = alias(ledgerEntries, 'reversal');

/** A household's entries, newest first, with the rule behind each and the entry that reversed it; and how many there are. */
export async function householdLedgerPage(db: Db, householdId: number, page: { limit: number; offset: number }): Promise<{ items: LedgerPageItem[]; total: number }> {
  const items = db
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
    .limit(page.limit)
    .offset(page.offset)
    .all();
  const total = db.select({ n: count() }).from(ledgerEntries).where(eq(ledgerEntries.householdId, householdId)).get()?.n ?? 0;
  return { items, total };
}

export interface RedemptionGoodsLine {
  goodsId: number;
  name: string;
  unit: string;
  quantity: number;
  points: number;
}

/** What was handed over in each of some redemptions, and at which store: what a household sees beside its redemption entry. */
export async function redemptionGoodsOf(db: Db, redemptionIds: readonly number[]): Promise<Map<number, { storeName: string; lines: RedemptionGoodsLine[] }>> {
  const out = new Map<number, { storeName: string; lines: RedemptionGoodsLine[] }>();
  if (!redemptionIds.length) return out;
  const heads = db
    .select({ id: redemptions.id, storeName: areas.name })
    .from(redemptions)
    .innerJoin(areas, eq(areas.id, redemptions.storeAreaId))
    .where(inArray(redemptions.id, [...redemptionIds]))
    .all();
  for (const h of heads) out.set(h.id, { storeName: h.storeName, lines: [] });
  const lines = db
    .select({
      redemptionId: redemptionItems.redemptionId,
      goodsId: redemptionItems.goodsId,
      name: goods.name,
      unit: goods.unit,
      quantity: redemptionItems.quantity,
      points: redemptionItems.points,
    })
    .from(redemptionItems)
    .innerJoin(goods, eq(goods.id, redemptionItems.goodsId))
    .where(inArray(redemptionItems.redemptionId, [...redemptionIds]))
    .orderBy(asc(redemptionItems.redemptionId), asc(redemptionItems.goodsId))
    .all();
  for (const { redemptionId, ...line } of lines) out.get(redemptionId)?.lines.push(line);
  return out;
}
