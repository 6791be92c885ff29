import type { Db } from '../client';
import { sqlOf } from '../sql';
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

// Qualified names: in an upsert's SET and WHERE they are the stored row on both engines.
const ENDED = 'throttle.window_start + ? <= ?';
const COUNT_ONE = `INSERT INTO throttle (key, window_start, failures) VALUES (?, ?, 1)
  ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN ${ENDED} THEN 1 ELSE throttle.failures + 1 END,
    window_start = CASE WHEN ${ENDED} THEN ? ELSE throttle.window_start END`;

/**
 * Takes one attempt from the key's window, in one statement: a window that has ended starts over,
 * a spent one is left alone. Returns the window's start (to give the attempt back), or null when spent.
 */
export async function reserveAttempt(tx: Tx, key: string, budget: Budget, now: number): Promise<number | null> {
  const w = budget.windowMs;
  const row = await sqlOf(tx).get<{ windowStart: number }>(
    `${COUNT_ONE}
      WHERE ${ENDED} OR throttle.failures < ?
    RETURNING window_start AS "windowStart"`,
    [key, now, w, now, w, now, now, w, now, budget.max],
  );
  return row?.windowStart ?? null;
}

/**
 * Gives back an attempt that succeeded (only within the window it was taken from). A counter back at
 * zero is removed, so a request that passed its check leaves no trace of having been counted.
 */
export async function releaseAttempt(tx: Tx, key: string, windowStart: number): Promise<void> {
  const q = sqlOf(tx);
  await q.run('DELETE FROM throttle WHERE key = ? AND window_start = ? AND failures <= 1', [key, windowStart]);
  await q.run('UPDATE throttle SET failures = failures - 1 WHERE key = ? AND window_start = ?', [key, windowStart]);
}

/** Seconds until the key's window has room again, or 0 when it has room now. */
export async function throttledFor(db: Db, key: string, budget: Budget, now: number): Promise<number> {
  const row = await sqlOf(db).get<{ windowStart: number; failures: number }>('SELECT window_start AS "windowStart", failures AS "failures" FROM throttle WHERE key = ?', [key]);
  if (!row || row.windowStart + budget.windowMs <= now || row.failures < budget.max) return 0;
  return Math.max(1, Math.ceil((row.windowStart + budget.windowMs - now) / 1000));
}

/** Counts one failure against the key after the fact (or, called before a check, every attempt). */
export async function recordFailure(tx: Tx, key: string, budget: Budget, now: number): Promise<void> {
  const w = budget.windowMs;
  await sqlOf(tx).run(COUNT_ONE, [key, now, w, now, w, now, now]);
}

/**
 * Back-off of a key with no account behind it (an unknown username): `window_start` holds `until`.
 * On PostgreSQL the row is locked until the transaction ends (made first if missing, as a zero state the
 * caller overwrites or rolls back), so attempts in other processes wait and read what this one writes;
 * READ COMMITTED alone would let two of them count from the same value. SQLite's write transaction
 * already holds the whole file.
 */
export async function keyBackoff(tx: Tx, key: string): Promise<Backoff | undefined> {
  const q = sqlOf(tx);
  if (q.engine === 'sqlite') return q.get<Backoff>('SELECT failures AS "failures", window_start AS "until" FROM throttle WHERE key = ?', [key]);
  const row = await q.get<Backoff>(
    `INSERT INTO throttle (key, window_start, failures) VALUES (?, 0, 0)
     ON CONFLICT (key) DO UPDATE SET failures = throttle.failures
     RETURNING failures AS "failures", window_start AS "until"`,
    [key],
  );
  return row && (row.failures !== 0 || row.until !== 0) ? row : undefined;
}

export async function saveKeyBackoff(tx: Tx, key: string, state: { failures: number; until: number }): Promise<void> {
  await sqlOf(tx).run(
    `INSERT INTO throttle (key, window_start, failures) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET window_start = ?, failures = ?`,
    [key, state.until, state.failures, state.until, state.failures],
  );
}

/** An account's back-off; on PostgreSQL its row stays locked until the transaction ends (see keyBackoff). */
export async function accountBackoff(tx: Tx, userId: number): Promise<Backoff | undefined> {
  const q = sqlOf(tx);
  const lock = q.engine === 'pg' ? ' FOR UPDATE' : '';
  return q.get<Backoff>(`SELECT failed_logins AS "failures", locked_until AS "until" FROM users WHERE id = ?${lock}`, [userId]);
}

export async function saveAccountBackoff(tx: Tx, userId: number, state: Backoff): Promise<void> {
  await sqlOf(tx).run('UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?', [state.failures, state.until, userId]);
}

// Keyed by the transaction handle: on SQLite that is the write connection, the same one every time.
const lastPrune = new WeakMap<object, number>();
const PRUNE_EVERY_MS = 3600_000;

/** Drops counters idle for longer than any window or back-off remembers (`keepMs`); at most hourly per connection. */
export async function pruneThrottle(tx: Tx, now: number, keepMs: number): Promise<void> {
  const last = lastPrune.get(tx) ?? 0;
  if (now - last < PRUNE_EVERY_MS && now >= last) return;
  lastPrune.set(tx, now);
  await sqlOf(tx).run('DELETE FROM throttle WHERE window_start < ?', [now - keepMs]);
}
