import { and, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { areas, householdCards, households } from './schema';

/**
 * The card PIN counters, and the attempt windows under their old synchronous names, for
 * server/modules/counter/cardPin.ts until it is ported. The windows and back-offs themselves live in
 * db/auth/throttle.ts: ported code imports them from there (async), and this file goes with the last caller.
 */
type Handle = Db | Tx;

export type { Backoff, Budget } from './auth/throttle';
export {
  /** @deprecated use the async reserveAttempt of db/auth/throttle.ts */
  reserveAttemptSync as reserveAttempt,
  /** @deprecated use the async releaseAttempt of db/auth/throttle.ts */
  releaseAttemptSync as releaseAttempt,
  /** @deprecated use the async throttledFor of db/auth/throttle.ts */
  throttledForSync as throttledFor,
} from './auth/throttle';

export type CardRow = typeof householdCards.$inferSelect;

/** A card by its printed code, with the path of its household's village (for the scope check). */
export function cardForPin(h: Handle, code: string): (CardRow & { villageId: number; villagePath: string }) | undefined {
  const row = h
    .select({ card: householdCards, villageId: areas.id, villagePath: areas.path })
    .from(householdCards)
    .innerJoin(households, eq(households.id, householdCards.householdId))
    .innerJoin(areas, eq(areas.id, households.villageId))
    .where(eq(householdCards.code, code))
    .get();
  return row ? { ...row.card, villageId: row.villageId, villagePath: row.villagePath } : undefined;
}

export function cardState(h: Handle, cardId: number): Pick<CardRow, 'failedAttempts' | 'lockedAt' | 'revokedAt'> | undefined {
  return h
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
export function reserveCardAttempt(h: Handle, cardId: number, max: number): number | null {
  const row = h
    .update(householdCards)
    .set({ failedAttempts: sql`${householdCards.failedAttempts} + 1` })
    .where(and(eq(householdCards.id, cardId), isNull(householdCards.lockedAt), isNull(householdCards.revokedAt), lt(householdCards.failedAttempts, max)))
    .returning({ failedAttempts: householdCards.failedAttempts })
    .get();
  return row?.failedAttempts ?? null;
}

/** Locks the card once `max` attempts are counted; returns whether this call locked it. */
export function lockCardIfSpent(h: Handle, cardId: number, max: number, now: number): boolean {
  const row = h
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
export function releaseCardAttempts(h: Handle, cardId: number, upTo: number): void {
  h.update(householdCards)
    .set({ failedAttempts: sql`MAX(${householdCards.failedAttempts} - ${upTo}, 0)` })
    .where(and(eq(householdCards.id, cardId), isNull(householdCards.lockedAt)))
    .run();
}
