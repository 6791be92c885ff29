import type Database from 'better-sqlite3';
import type { Db } from './client';

type Runner = Database.Transaction<(body: () => unknown) => unknown>;
const runners = new WeakMap<Database.Database, Runner>();

/**
 * Runs `body` in one transaction (BEGIN … COMMIT, rolled back if it throws), like
 * `db.transaction`, but with one reusable better-sqlite3 wrapper per connection: drizzle builds a
 * fresh wrapper and prepares BEGIN/COMMIT again on every call, which hot paths cannot afford.
 * Synchronous only; never nest it inside another transaction.
 */
export function inTransaction<T>(db: Db, body: () => T): T {
  let run = runners.get(db.$client);
  if (!run) {
    run = db.$client.transaction((b: () => unknown) => b());
    runners.set(db.$client, run);
  }
  // IMMEDIATE takes the write lock up front, so a second process waits (busy_timeout) instead of failing mid-way.
  return run.immediate(body) as T;
}
