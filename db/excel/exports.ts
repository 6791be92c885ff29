import { and, asc, count, desc, eq, gte, inArray, lt, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { areas, awards, donations, goods, householdPeriodScores, households, ledgerEntries, redemptionItems, redemptions, rules, stockMovements } from '../schema';
import type { AwardStatus } from '../schema/awards';

/** An empty list matches nothing (SQL `IN ()` is not valid everywhere). */
const anyOf = (ids: readonly number[]) => (ids.length ? [...ids] : [-1]);

/** Days as `YYYY-MM-DD`, both ends included. */
export interface DaySpan {
  from: string;
  to: string;
}
/** Epoch milliseconds, [fromMs, toMs). */
export interface TimeSpan {
  fromMs: number;
  toMs: number;
}

function awardsWhere(villageIds: readonly number[], f: { status?: AwardStatus; span?: DaySpan }): SQL | undefined {
  return and(
    inArray(awards.villageId, anyOf(villageIds)),
    f.status ? eq(awards.status, f.status) : undefined,
    f.span ? gte(awards.occurredOn, f.span.from) : undefined,
    f.span ? lte(awards.occurredOn, f.span.to) : undefined,
  );
}

export async function countAwardsForExport(db: Db, villageIds: readonly number[], f: { status?: AwardStatus; span?: DaySpan }): Promise<number> {
  return db.select({ n: count() }).from(awards).where(awardsWhere(villageIds, f)).get()?.n ?? 0;
}

export async function awardsForExport(db: Db, villageIds: readonly number[], f: { status?: AwardStatus; span?: DaySpan }) {
  return db
    .select({
      id: awards.id,
      occurredOn: awards.occurredOn,
      village: areas.name,
      headName: households.headName,
      doorNo: households.doorNo,
      ruleName: rules.name,
      quantity: awards.quantity,
      points: awards.points,
      status: awards.status,
      proposedAt: awards.proposedAt,
      batchId: awards.batchId,
      note: awards.note,
      rejectReason: awards.rejectReason,
    })
    .from(awards)
    .innerJoin(households, eq(households.id, awards.householdId))
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .innerJoin(rules, eq(rules.id, awards.ruleId))
    .where(awardsWhere(villageIds, f))
    .orderBy(asc(awards.id))
    .all();
}
export type AwardExportRow = Awaited<ReturnType<typeof awardsForExport>>[number];

const ledgerWhere = (villageIds: readonly number[], span: DaySpan) =>
  and(inArray(ledgerEntries.villageId, anyOf(villageIds)), gte(ledgerEntries.occurredOn, span.from), lte(ledgerEntries.occurredOn, span.to));

export async function countLedgerForExport(db: Db, villageIds: readonly number[], span: DaySpan): Promise<number> {
  return db.select({ n: count() }).from(ledgerEntries).where(ledgerWhere(villageIds, span)).get()?.n ?? 0;
}

export async function ledgerForExport(db: Db, villageIds: readonly number[], span: DaySpan) {
  return db
    .select({
      id: ledgerEntries.id,
      occurredOn: ledgerEntries.occurredOn,
      village: areas.name,
      headName: households.headName,
      doorNo: households.doorNo,
      kind: ledgerEntries.kind,
      points: ledgerEntries.points,
      conductPoints: ledgerEntries.conductPoints,
      balanceAfter: ledgerEntries.balanceAfter,
      ruleName: rules.name,
      category: ledgerEntries.category,
      note: ledgerEntries.note,
      createdAt: ledgerEntries.createdAt,
    })
    .from(ledgerEntries)
    .innerJoin(households, eq(households.id, ledgerEntries.householdId))
    .innerJoin(areas, eq(areas.id, ledgerEntries.villageId))
    .leftJoin(rules, eq(rules.id, ledgerEntries.ruleId))
    .where(ledgerWhere(villageIds, span))
    .orderBy(asc(ledgerEntries.id))
    .all();
}

const redemptionsWhere = (villageIds: readonly number[], span: TimeSpan) =>
  and(inArray(redemptions.villageId, anyOf(villageIds)), gte(redemptions.createdAt, span.fromMs), lt(redemptions.createdAt, span.toMs));

export async function countRedemptionsForExport(db: Db, villageIds: readonly number[], span: TimeSpan): Promise<number> {
  return db.select({ n: count() }).from(redemptions).where(redemptionsWhere(villageIds, span)).get()?.n ?? 0;
}

export async function redemptionsForExport(db: Db, villageIds: readonly number[], span: TimeSpan) {
  return db
    .select({
      id: redemptions.id,
      createdAt: redemptions.createdAt,
      village: areas.name,
      headName: households.headName,
      doorNo: households.doorNo,
      points: redemptions.points,
      balanceAfter: redemptions.balanceAfter,
      via: redemptions.via,
    })
    .from(redemptions)
    .innerJoin(households, eq(households.id, redemptions.householdId))
    .innerJoin(areas, eq(areas.id, redemptions.villageId))
    .where(redemptionsWhere(villageIds, span))
    .orderBy(asc(redemptions.id))
    .all();
}

/** The goods lines of the given redemptions. */
export async function redemptionLines(db: Db, redemptionIds: readonly number[]): Promise<{ redemptionId: number; name: string; unit: string; quantity: number }[]> {
  return selectInChunks(redemptionIds, async (part) =>
    db
      .select({ redemptionId: redemptionItems.redemptionId, name: goods.name, unit: goods.unit, quantity: redemptionItems.quantity })
      .from(redemptionItems)
      .innerJoin(goods, eq(goods.id, redemptionItems.goodsId))
      .where(inArray(redemptionItems.redemptionId, part))
      .all(),
  );
}

const movementsWhere = (storeIds: readonly number[], span: TimeSpan) =>
  and(inArray(stockMovements.storeAreaId, anyOf(storeIds)), gte(stockMovements.createdAt, span.fromMs), lt(stockMovements.createdAt, span.toMs));

export async function countMovementsForExport(db: Db, storeIds: readonly number[], span: TimeSpan): Promise<number> {
  return db.select({ n: count() }).from(stockMovements).where(movementsWhere(storeIds, span)).get()?.n ?? 0;
}

export async function movementsForExport(db: Db, storeIds: readonly number[], span: TimeSpan) {
  return db
    .select({
      id: stockMovements.id,
      createdAt: stockMovements.createdAt,
      store: areas.name,
      goodsName: goods.name,
      unit: goods.unit,
      kind: stockMovements.kind,
      quantity: stockMovements.quantity,
      stockAfter: stockMovements.stockAfter,
      donor: donations.donorName,
      note: stockMovements.note,
    })
    .from(stockMovements)
    .innerJoin(goods, eq(goods.id, stockMovements.goodsId))
    .innerJoin(areas, eq(areas.id, stockMovements.storeAreaId))
    .leftJoin(donations, eq(donations.id, stockMovements.donationId))
    .where(movementsWhere(storeIds, span))
    .orderBy(asc(stockMovements.id))
    .all();
}

const donationsWhere = (storeIds: readonly number[], span: DaySpan) =>
  and(inArray(donations.storeAreaId, anyOf(storeIds)), gte(donations.receivedOn, span.from), lte(donations.receivedOn, span.to));

export async function countDonationsForExport(db: Db, storeIds: readonly number[], span: DaySpan): Promise<number> {
  return db.select({ n: count() }).from(donations).where(donationsWhere(storeIds, span)).get()?.n ?? 0;
}

/** The staff copy: anonymous donors are named here (public pages hide them). */
export async function donationsForExport(db: Db, storeIds: readonly number[], span: DaySpan) {
  return db
    .select({
      id: donations.id,
      receivedOn: donations.receivedOn,
      store: areas.name,
      donorName: donations.donorName,
      donorKind: donations.donorKind,
      anonymous: donations.anonymous,
      goodsName: goods.name,
      unit: goods.unit,
      quantity: donations.quantity,
      amountFen: donations.amountFen,
      description: donations.description,
    })
    .from(donations)
    .innerJoin(areas, eq(areas.id, donations.storeAreaId))
    .leftJoin(goods, eq(goods.id, donations.goodsId))
    .where(donationsWhere(storeIds, span))
    .orderBy(asc(donations.receivedOn), asc(donations.id))
    .all();
}

/** A period's conduct scores of a village, township or county, best first, with full names for staff. */
export async function leaderboardForExport(db: Db, scope: 'village' | 'township' | 'county', areaId: number, period: string, limit: number) {
  const column = scope === 'village' ? householdPeriodScores.villageId : scope === 'township' ? householdPeriodScores.townshipId : householdPeriodScores.countyId;
  return db
    .select({
      score: householdPeriodScores.score,
      earned: householdPeriodScores.earned,
      deducted: householdPeriodScores.deducted,
      headName: households.headName,
      doorNo: households.doorNo,
      village: areas.name,
    })
    .from(householdPeriodScores)
    .innerJoin(households, eq(households.id, householdPeriodScores.householdId))
    .innerJoin(areas, eq(areas.id, householdPeriodScores.villageId))
    .where(and(eq(column, areaId), eq(householdPeriodScores.period, period)))
    .orderBy(desc(householdPeriodScores.score), asc(households.nameInitials), asc(households.id))
    .limit(limit)
    .all();
}
