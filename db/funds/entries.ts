import { and, asc, count, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { fundEntries, goods, stockMovements, users } from '../schema';
import { fundEntryKinds, fundSources } from '../schema/funds';
import type { Tx } from '../transaction';

/** The closed lists of the money books, for the modules' schemas. */
export { fundEntryKinds, fundSources };
export type FundEntryRow = typeof fundEntries.$inferSelect;
export type FundSource = NonNullable<FundEntryRow['source']>;
export type FundEntryKind = FundEntryRow['kind'];
export type NewFundEntry = Omit<typeof fundEntries.$inferInsert, 'id'>;

/** Appends one entry to a store's money books; entries are never changed afterwards. */
export async function insertFundEntry(tx: Tx, values: NewFundEntry): Promise<FundEntryRow> {
  return tx.insert(fundEntries).values(values).returning().get();
}

export async function fundEntryById(db: Db, id: number): Promise<FundEntryRow | undefined> {
  return db.select().from(fundEntries).where(eq(fundEntries.id, id)).get();
}

/** The reversal of an entry, if it has one (at most one: reverses_id is unique). */
export async function reversalOf(db: Db, id: number): Promise<FundEntryRow | undefined> {
  return db.select().from(fundEntries).where(eq(fundEntries.reversesId, id)).get();
}

/** The purchase cost entries of a stock movement that no reversal has undone. */
export async function liveCostsOfMovement(db: Db, movementId: number): Promise<FundEntryRow[]> {
  const rev = sql`(SELECT 1 FROM fund_entries r WHERE r.reverses_id = "fund_entries"."id")`;
  return db
    .select()
    .from(fundEntries)
    .where(and(eq(fundEntries.movementId, movementId), eq(fundEntries.kind, 'purchase'), sql`NOT EXISTS ${rev}`))
    .all();
}

/** A stock movement with its goods' store, for costing a purchase. */
export async function movementForCost(db: Db, movementId: number) {
  return db
    .select({ id: stockMovements.id, goodsId: stockMovements.goodsId, storeAreaId: stockMovements.storeAreaId, kind: stockMovements.kind, quantity: stockMovements.quantity, createdAt: stockMovements.createdAt, goodsName: goods.name, unit: goods.unit })
    .from(stockMovements)
    .innerJoin(goods, eq(goods.id, stockMovements.goodsId))
    .where(eq(stockMovements.id, movementId))
    .get();
}

export interface FundEntryListItem extends FundEntryRow {
  goodsName: string | null;
  createdByName: string | null;
  reversedBy: number | null;
}

/** A page of a store's entries (newest book day first), optionally of one month, and how many match. */
export async function listFundEntriesOfStore(
  db: Db,
  f: { storeAreaId: number; fromDay?: string; toDay?: string; limit: number; offset: number },
): Promise<{ items: FundEntryListItem[]; total: number }> {
  const where = and(eq(fundEntries.storeAreaId, f.storeAreaId), f.fromDay ? gte(fundEntries.onDay, f.fromDay) : undefined, f.toDay ? lte(fundEntries.onDay, f.toDay) : undefined);
  const rows = db
    .select({ e: fundEntries, goodsName: goods.name, createdByName: sql<string | null>`coalesce(${users.displayName}, ${users.username})` })
    .from(fundEntries)
    .leftJoin(goods, eq(goods.id, fundEntries.goodsId))
    .leftJoin(users, eq(users.id, fundEntries.createdBy))
    .where(where)
    .orderBy(desc(fundEntries.onDay), desc(fundEntries.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const ids = rows.map((r) => r.e.id);
  const reversals = ids.length
    ? db.select({ id: fundEntries.id, reversesId: fundEntries.reversesId }).from(fundEntries).where(inArray(fundEntries.reversesId, ids)).all()
    : [];
  const reversedBy = new Map(reversals.map((r) => [r.reversesId, r.id]));
  const total = db.select({ n: count() }).from(fundEntries).where(where).get()?.n ?? 0;
  return { items: rows.map((r) => ({ ...r.e, goodsName: r.goodsName, createdByName: r.createdByName, reversedBy: reversedBy.get(r.e.id) ?? null })), total };
}

/** An entry with the kind and source of what it reverses (for a reversal) — the statement's classification. */
export interface BookedEntry {
  id: number;
  kind: FundEntryKind;
  amountFen: number;
  onDay: string;
  /** For a reversal, the kind of the entry it reverses; otherwise the entry's own kind. */
  effectiveKind: 'funding' | 'purchase';
  source: FundSource | null;
}

/** Every entry of a store booked before a day (exclusive), or none when `beforeDay` is null. */
export async function fundEntriesOfStore(db: Db, storeAreaId: number, range: { fromDay?: string; beforeDay: string }): Promise<BookedEntry[]> {
  const rows = db
    .select({
      id: fundEntries.id,
      kind: fundEntries.kind,
      amountFen: fundEntries.amountFen,
      onDay: fundEntries.onDay,
      source: fundEntries.source,
      // Qualified by hand: inside the subquery a bare column would name the alias's row.
      originalKind: sql<FundEntryKind | null>`(SELECT o.kind FROM fund_entries o WHERE o.id = "fund_entries"."reverses_id")`,
      originalSource: sql<FundSource | null>`(SELECT o.source FROM fund_entries o WHERE o.id = "fund_entries"."reverses_id")`,
    })
    .from(fundEntries)
    .where(and(eq(fundEntries.storeAreaId, storeAreaId), range.fromDay ? gte(fundEntries.onDay, range.fromDay) : undefined, lt(fundEntries.onDay, range.beforeDay)))
    .orderBy(asc(fundEntries.id))
    .all();
  return rows.map((r) => {
    const effectiveKind = (r.kind === 'reversal' ? r.originalKind : r.kind) as 'funding' | 'purchase';
    return { id: r.id, kind: r.kind, amountFen: r.amountFen, onDay: r.onDay, effectiveKind, source: r.kind === 'reversal' ? r.originalSource : r.source };
  });
}

/** The purchase costs (net of reversals) of a store's purchase movements, by movement id. */
export async function liveMovementCosts(db: Db, storeAreaId: number): Promise<Map<number, number>> {
  const rows = db
    .select({ movementId: fundEntries.movementId, costFen: sql<number>`-${fundEntries.amountFen}` })
    .from(fundEntries)
    .where(
      and(
        eq(fundEntries.storeAreaId, storeAreaId),
        eq(fundEntries.kind, 'purchase'),
        sql`NOT EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses_id = "fund_entries"."id")`,
      ),
    )
    .all();
  const out = new Map<number, number>();
  for (const r of rows) if (r.movementId != null) out.set(r.movementId, (out.get(r.movementId) ?? 0) + r.costFen);
  return out;
}

