import { and, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, householdCards, households } from '../schema';
import type { Tx } from '../transaction';

export type CardRow = typeof householdCards.$inferSelect;
export type NewCard = Pick<CardRow, 'householdId' | 'code' | 'pinHash' | 'createdBy' | 'createdAt'> & { number?: string | null };

export async function cardById(db: Db, id: number): Promise<CardRow | undefined> {
  return db.select().from(householdCards).where(eq(householdCards.id, id)).get();
}

/** Revokes every live card of a household; returns their ids. */
export async function revokeLiveCards(tx: Tx, householdId: number, at: number): Promise<number[]> {
  return tx
    .update(householdCards)
    .set({ revokedAt: at })
    .where(and(eq(householdCards.householdId, householdId), isNull(householdCards.revokedAt)))
    .returning({ id: householdCards.id })
    .all()
    .map((r) => r.id);
}

export async function insertCard(tx: Tx, values: NewCard): Promise<CardRow> {
  return tx.insert(householdCards).values(values).returning().get();
}

/** Revokes one card; a card revoked earlier keeps its first revocation time. */
export async function revokeCardRow(tx: Tx, id: number, at: number): Promise<void> {
  tx.update(householdCards)
    .set({ revokedAt: sql`COALESCE(${householdCards.revokedAt}, ${at})` })
    .where(eq(householdCards.id, id))
    .run();
}

/** Lifts a PIN lock and forgets the counted attempts. */
export async function unlockCardRow(tx: Tx, id: number): Promise<void> {
  tx.update(householdCards).set({ lockedAt: null, failedAttempts: 0 }).where(eq(householdCards.id, id)).run();
}

/** Whether a printed card number is taken (a new card draws again). */
export async function cardNumberTaken(db: Db, number: string): Promise<boolean> {
  return db.select({ id: householdCards.id }).from(householdCards).where(eq(householdCards.number, number)).get() !== undefined;
}

/**
 * A card by its printed QR code or its printed number, with its household's village and that village's
 * path (for the scope check).
 */
export async function cardForPin(db: Db, code: string, by: 'code' | 'number' = 'code'): Promise<(CardRow & { villageId: number; villagePath: string }) | undefined> {
  const row = db
    .select({ card: householdCards, villageId: areas.id, villagePath: areas.path })
    .from(householdCards)
    .innerJoin(households, eq(households.id, householdCards.householdId))
    .innerJoin(areas, eq(areas.id, households.villageId))
    .where(by === 'code' ? eq(householdCards.code, code) : eq(householdCards.number, code))
    .get();
  return row ? { ...row.card, villageId: row.villageId, villagePath: row.villagePath } : undefined;
}

export async function cardState(db: Db, cardId: number): Promise<Pick<CardRow, 'failedAttempts' | 'lockedAt' | 'revokedAt'> | undefined> {
  return db
    .select({ failedAttempts: householdCards.failedAttempts, lockedAt: householdCards.lockedAt, revokedAt: householdCards.revokedAt })
    .from(householdCards)
    .where(eq(householdCards.id, cardId))
    .get();
}

/**
 * Counts a PIN attempt on the card before its hash is checked, in one statement, only while the card
 * is usable and fewer than `max` attempts are counted (failed or still being checked). Returns the
 * count including this attempt, or null when no attempt may start.
 */
export async function reserveCardAttempt(tx: Tx, cardId: number, max: number): Promise<number | null> {
  const row = tx
    .update(householdCards)
    .set({ failedAttempts: sql`${householdCards.failedAttempts} + 1` })
    .where(and(eq(householdCards.id, cardId), isNull(householdCards.lockedAt), isNull(householdCards.revokedAt), lt(householdCards.failedAttempts, max)))
    .returning({ failedAttempts: householdCards.failedAttempts })
    .get();
  return row?.failedAttempts ?? null;
}

/** Locks the card once `max` attempts are counted; returns whether this call locked it. */
export async function lockCardIfSpent(tx: Tx, cardId: number, max: number, now: number): Promise<boolean> {
  const row = tx
    .update(householdCards)
    .set({ lockedAt: now })
    .where(and(eq(householdCards.id, cardId), isNull(householdCards.lockedAt), gte(householdCards.failedAttempts, max)))
    .returning({ id: householdCards.id })
    .get();
  return row !== undefined;
}

/**
 * A right PIN clears the attempts counted up to and including its own (`upTo`); attempts that started
 * after it are still being checked and stay counted. A card that got locked meanwhile stays locked.
 */
export async function releaseCardAttempts(tx: Tx, cardId: number, upTo: number): Promise<void> {
  tx.update(householdCards)
    .set({ failedAttempts: sql`MAX(${householdCards.failedAttempts} - ${upTo}, 0)` })
    .where(and(eq(householdCards.id, cardId), isNull(householdCards.lockedAt)))
    .run();
}
