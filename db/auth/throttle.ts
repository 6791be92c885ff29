import { and, eq, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { throttle, users } from '../schema';
import type { Tx } from '../transaction';

/**
 * Attempt counters for everything guessed with a slow hash: login windows per IP, back-off per account
 * or unknown username, own-password and PIN attempts. Every counter is taken BEFORE the hash (a
 * reservation, in its own transaction) and given back on success in another, so parallel requests
 * cannot all pass a check made before any of them was counted.
 */

export interface Budget {
  /** How many failures the key may have per window. */
  max: number;
  windowMs: number;
}

/** Back-off state: failures so far and the moment the next attempt is allowed (null: never locked). */
export interface Backoff {
  failures: number;
  until: number | null;
}

const windowEnded = (budget: Budget, now: number) => sql`${throttle.windowStart} + ${budget.windowMs} <= ${now}`;

/**
 * Takes one attempt from the key's window, in one statement: a window that has ended starts over,
 * a spent one is left alone. Returns the window's start (to give the attempt back), or null when spent.
 */
export async function reserveAttempt(tx: Tx, key: string, budget: Budget, now: number): Promise<number | null> {
  const ended = windowEnded(budget, now);
  const row = tx
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
export async function releaseAttempt(tx: Tx, key: string, windowStart: number): Promise<void> {
  const inWindow = and(eq(throttle.key, key), eq(throttle.windowStart, windowStart));
  tx.delete(throttle).where(and(inWindow, lte(throttle.failures, 1))).run();
  tx.update(throttle).set({ failures: sql`${throttle.failures} - 1` }).where(inWindow).run();
}

/** Seconds until the key's window has room again, or 0 when it has room now. */
export async function throttledFor(db: Db, key: string, budget: Budget, now: number): Promise<number> {
  const row = db.select({ windowStart: throttle.windowStart, failures: throttle.failures }).from(throttle).where(eq(throttle.key, key)).get();
  if (!row || row.windowStart + budget.windowMs <= now || row.failures < budget.max) return 0;
  return Math.max(1, Math.ceil((row.windowStart + budget.windowMs - now) / 1000));
}

/** Counts one failure against the key after the fact (or, called before a check, every attempt). */
export async function recordFailure(tx: Tx, key: string, budget: Budget, now: number): Promise<void> {
  const ended = windowEnded(budget, now);
  tx.insert(throttle)
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

/** Back-off of a key with no account behind it (an unknown username): `window_start` holds `until`. */
export async function keyBackoff(db: Db, key: string): Promise<Backoff | undefined> {
  return db.select({ failures: throttle.failures, until: throttle.windowStart }).from(throttle).where(eq(throttle.key, key)).get();
}

export async function saveKeyBackoff(tx: Tx, key: string, state: { failures: number; until: number }): Promise<void> {
  tx.insert(throttle)
    .values({ key, windowStart: state.until, failures: state.failures })
    .onConflictDoUpdate({ target: throttle.key, set: { windowStart: state.until, failures: state.failures } })
    .run();
}

export async function accountBackoff(db: Db, userId: number): Promise<Backoff | undefined> {
  return db.select({ failures: users.failedLogins, until: users.lockedUntil }).from(users).where(eq(users.id, userId)).get();
}

export async function saveAccountBackoff(tx: Tx, userId: number, state: Backoff): Promise<void> {
  tx.update(users).set({ failedLogins: state.failures, lockedUntil: state.until }).where(eq(users.id, userId)).run();
}

const lastPrune = new WeakMap<object, number>();
const PRUNE_EVERY_MS = 3600_000;

/** Drops counters idle for longer than any window or back-off remembers (`keepMs`); at most hourly per connection. */
export async function pruneThrottle(tx: Tx, now: number, keepMs: number): Promise<void> {
  const last = lastPrune.get(tx.$client) ?? 0;
  if (now - last < PRUNE_EVERY_MS && now >= last) return;
  lastPrune.set(tx.$client, now);
  tx.delete(throttle).where(lt(throttle.windowStart, now - keepMs)).run();
}
