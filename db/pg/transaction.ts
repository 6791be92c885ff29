import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient } from 'pg';
import { pgSql, type Sql } from '../sql';
import { TransactionMisuse } from '../transaction';
import { checkout } from './pool';

export { TransactionMisuse };

/** The handle a PostgreSQL transaction body gets: the neutral `Sql` on its one checked-out client. */
export type PgTx = Sql & { readonly engine: 'pg'; readonly client: PoolClient };

/** deadlock_detected, serialization_failure: PostgreSQL rolled the transaction back; running it again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);
/** Retries after the first attempt. */
export const PG_TX_RETRIES = 3;

const current = new AsyncLocalStorage<Pool>();

/** The SQLSTATE of an error or of what it wraps (drizzle wraps driver errors). */
export function sqlState(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

/** A handle that refuses to run once its transaction has ended: by then the client belongs to someone else. */
function txHandle(client: PoolClient, open: () => boolean): PgTx {
  const sql = pgSql(client);
  const late = () => Promise.reject(new TransactionMisuse('a transaction handle was used after its transaction ended: keep it inside the body'));
  return {
    engine: 'pg',
    client,
    all: (text, params) => (open() ? sql.all(text, params) : late()),
    get: (text, params) => (open() ? sql.get(text, params) : late()),
    run: (text, params) => (open() ? sql.run(text, params) : late()),
  };
}

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

/** One attempt: BEGIN, body, COMMIT; ROLLBACK on error. Always releases the client, destroying it when its state is unknown. */
async function attempt<T>(pool: Pool, body: (tx: PgTx) => Promise<T>): Promise<T> {
  const client = await checkout(pool);
  let open = true;
  let broken: Error | undefined;
  // pg-pool listens for errors only on idle clients: a connection lost while checked out (restart, failover,
  // terminated backend) would otherwise be an unhandled 'error' event and end the process.
  const onLost = (err: Error) => void (broken ??= err);
  client.on('error', onLost);
  try {
    try {
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    } catch (err) {
      // A client that cannot begin (already inside a transaction, connection gone) must not go back to the pool.
      broken = asError(err);
      throw err;
    }
    try {
      const result = await current.run(pool, () => body(txHandle(client, () => open)));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        // After a failed COMMIT there is no transaction left; ROLLBACK then only warns.
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        broken = asError(rollbackErr);
      }
      throw err;
    }
  } finally {
    open = false;
    client.release(broken ?? false);
    client.removeListener('error', onLost);
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `body` in one READ COMMITTED transaction on one pooled client: BEGIN, body, COMMIT; ROLLBACK and
 * re-throw if the body throws. A deadlock or serialization failure (40P01, 40001) runs the whole body
 * again, up to PG_TX_RETRIES times, so the body must touch nothing but the database (no network, files or
 * timers; compute slow things before). Nesting on the same pool in one async context is refused: the
 * inner call would wait for a second connection while holding the first (a pool of n deadlocks at n).
 */
export async function pgTransaction<T>(pool: Pool, body: (tx: PgTx) => Promise<T>): Promise<T> {
  if (current.getStore() === pool) {
    throw new TransactionMisuse('pgTransaction() called inside a transaction on the same pool: pass the tx handle down instead of nesting');
  }
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(pool, body);
    } catch (err) {
      const state = sqlState(err);
      if (retry >= PG_TX_RETRIES || state === null || !RETRYABLE.has(state)) throw err;
      // Jitter so the two sides of a deadlock do not meet again at once.
      await pause(5 + Math.random() * 20 * (retry + 1));
    }
  }
}
