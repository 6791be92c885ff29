import { and, eq, gte, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { areas, householdCards, households, throttle, users } from './schema';

/**
 * Attempt counters for everything guessed with a slow hash: login windows per IP, back-off per account
 * or unknown username, PIN attempts per card and per clerk. Every counter is taken BEFORE the hash
 * (a reservation) and given back on success, so parallel requests cannot all pass a check made before
 * any of them was counted.
 */
type Handle = Db | Tx;

export interface Budget {
  /** How many failures the key may have per window. */
  max: number;
  windowMs: number;
}

const windowEnded = (budget: Budget, now: number) => sql`${throttle.windowStart} + ${budget.windowMs} <= ${now}`;

/**
 * Takes one attempt from the key's window, in one statement: a window that has ended starts over,
 * a spent one is left alone. Returns the window's start (to give the attempt back), or null when spent.
 */
export function reserveAttempt(h: Handle, key: string, budget: Budget, now: number): number | null {
  const ended = windowEnded(budget, now);
  const row = h
    .insert(throttle)
    .values({ key, windowStart: now, failures: 1 })
    .onConflictDoUpdate({
      target: throttle.key,
      set: {
        failures: sql`CASE WHEN ${ended} THEN 1 ELSE ${throttle.failures} + 1 END`,
        windowStart: sql`CASE WHEN ${ended} THEN ${now} ELSE ${throttle.windowStart} END`,
      },
      setWhere: sql`${ended} OR ${throttle.failures} < ${budget.max}`,
    })
    .returning({ windowStart: throttle.windowStart })
    .get();
  return row?.windowStart ?? null;
}

/**
 * Gives back an attempt that succeeded (only within the window it was taken from). A counter back at
 * zero is removed, so a request that passed its check leaves no trace of having been counted.
 */
export function releaseAttempt(h: Handle, key: string, windowStart: number): void {
  const inWindow = and(eq(throttle.key, key), eq(throttle.windowStart, windowStart));
  h.delete(throttle).where(and(inWindow, lte(throttle.failures, 1))).run();
  h.update(throttle).set({ failures: sql`${throttle.failures} - 1` }).where(inWindow).run();
}

/** Seconds until the key's window has room again, or 0 when it has room now. */
export function throttledFor(h: Handle, key: string, budget: Budget, now: number): number {
  const row = h.select({ windowStart: throttle.windowStart, failures: throttle.failures }).from(throttle).where(eq(throttle.key, key)).get();
  if (!row || row.windowStart + budget.windowMs <= now || row.failures < budget.max) return 0;
  return Math.max(1, Math.ceil((row.windowStart + budget.windowMs - now) / 1000));
}

/** Counts one failure against the key after the fact (for checks that are cheap, so need no reservation). */
export function recordFailure(h: Handle, key: string, budget: Budget, now: number): void {
  const ended = windowEnded(budget, now);
  h.insert(throttle)
    .values({ key, windowStart: now, failures: 1 })
    .onConflictDoUpdate({
      target: throttle.key,
      set: {
        failures: sql`CASE WHEN ${ended} THEN 1 ELSE ${throttle.failures} + 1 END`,
        windowStart: sql`CASE WHEN ${ended} THEN ${now} ELSE ${throttle.windowStart} END`,
      },
    })
    .run();
}

/** Back-off state: failures so far and the moment the next attempt is allowed (null: never locked). */
export interface Backoff {
  failures: number;
  until: number | null;
}

/** Back-off of a key with no account behind it (an unknown username): `window_start` holds `until`. */
export function keyBackoff(h: Handle, key: string): Backoff | undefined {
  return h.select({ failures: throttle.failures, until: throttle.windowStart }).from(throttle).where(eq(throttle.key, key)).get();
}

export function saveKeyBackoff(h: Handle, key: string, state: { failures: number; until: number }): void {
  h.insert(throttle)
    .values({ key, windowStart: state.until, failures: state.failures })
    .onConflictDoUpdate({ target: throttle.key, set: { windowStart: state.until, failures: state.failures } })
    .run();
}

export function accountBackoff(h: Handle, userId: number): Backoff | undefined {
  return h.select({ failures: users.failedLogins, until: users.lockedUntil }).from(users).where(eq(users.id, userId)).get();
}

export function saveAccountBackoff(h: Handle, userId: number, state: Backoff): void {
  h.update(users).set({ failedLogins: state.failures, lockedUntil: state.until }).where(eq(users.id, userId)).run();
}

const lastPrune = new WeakMap<object, number>();
const PRUNE_EVERY_MS = 3600_000;

/** Drops counters idle for longer than any window or back-off remembers (`keepMs`); at most hourly per connection. */
export function pruneThrottle(db: Db, now: number, keepMs: number): void {
  const last = lastPrune.get(db.$client) ?? 0;
  if (now - last < PRUNE_EVERY_MS && now >= last) return;
  lastPrune.set(db.$client, now);
  db.delete(throttle).where(lt(throttle.windowStart, now - keepMs)).run();
}

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
