import type Database from 'better-sqlite3';
import type { Db } from './client';

interface Statements {
  get: Database.Statement<[string], { windowStart: number; failures: number }>;
  hit: Database.Statement<[string, number, number, number, number]>;
}
const cache = new WeakMap<Database.Database, Statements>();

function statements(client: Database.Database): Statements {
  let s = cache.get(client);
  if (!s) {
    s = {
      get: client.prepare('SELECT window_start AS windowStart, failures FROM throttle WHERE key = ?'),
      // One statement: a window that has ended starts over at this failure, else the count goes up.
      hit: client.prepare(
        `INSERT INTO throttle (key, window_start, failures) VALUES (?, ?, 1)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN window_start + ? <= ? THEN 1 ELSE failures + 1 END,
           window_start = CASE WHEN window_start + ? <= excluded.window_start THEN excluded.window_start ELSE window_start END`,
      ),
    };
    cache.set(client, s);
  }
  return s;
}

export interface Budget {
  /** How many failures the key may have per window. */
  max: number;
  windowMs: number;
}

/** Seconds until the key may try again, or 0 when its budget is not spent. */
export function throttledFor(db: Db, key: string, budget: Budget, now: number): number {
  const row = statements(db.$client).get.get(key);
  if (!row || row.windowStart + budget.windowMs <= now || row.failures < budget.max) return 0;
  return Math.max(1, Math.ceil((row.windowStart + budget.windowMs - now) / 1000));
}

/** Counts one failure against the key (committed at once, whatever the request does next). */
export function recordFailure(db: Db, key: string, budget: Budget, now: number): void {
  statements(db.$client).hit.run(key, now, budget.windowMs, now, budget.windowMs);
}
