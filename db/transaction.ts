import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool } from 'pg';
import type Database from 'better-sqlite3';
import { noteLocalCommit } from './boards/dataVersion';
import { pgBackendOf, pgHandle, type Db, type SqliteDb } from './client';
import { pgTransaction, type PgTx } from './pg/transaction';
import { isSqlite, type Sql } from './sql';

declare const inTx: unique symbol;

/**
 * The handle a transaction body gets. Store functions that must run inside a transaction take a `Tx`
 * (a plain `Db` does not type-check there). On SQLite it is the write connection itself, which is
 * inside BEGIN IMMEDIATE … COMMIT for as long as the body runs; do not keep it after the body returns.
 */
export type Tx<D extends Db = Db> = D & { readonly [inTx]: true };

/** A SQLite transaction's handle, for the seed's and fixtures' drizzle writes (SQLite by nature). */
export type SqliteTx = Tx<SqliteDb>;

/** A programming error: code that nests transactions or starts one some other way than `transaction()`. */
export class TransactionMisuse extends Error {
  override name = 'TransactionMisuse';
}

/** One FIFO queue per write connection: who holds it, who waits. */
interface Lane {
  busy: boolean;
  waiting: (() => void)[];
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
}

const lanes = new WeakMap<Database.Database, Lane>();
/** The connections whose async transaction the current async context is running in. */
const current = new AsyncLocalStorage<Database.Database>();

function laneOf(client: Database.Database): Lane {
  let lane = lanes.get(client);
  if (!lane) {
    lane = {
      busy: false,
      waiting: [],
      begin: client.prepare('BEGIN IMMEDIATE'),
      commit: client.prepare('COMMIT'),
      rollback: client.prepare('ROLLBACK'),
    };
    lanes.set(client, lane);
  }
  return lane;
}

function acquire(lane: Lane): Promise<void> | undefined {
  if (!lane.busy) {
    lane.busy = true;
    return undefined;
  }
  return new Promise<void>((resolve) => lane.waiting.push(resolve));
}

function release(lane: Lane): void {
  // Hand the connection straight to the next in line, so nobody can jump the queue in between.
  const next = lane.waiting.shift();
  if (next) next();
  else lane.busy = false;
}

/**
 * Runs `body` in one write transaction: waits its turn (FIFO) for the write connection, BEGIN
 * IMMEDIATE, awaits the body, COMMIT; ROLLBACK and re-throw if the body throws. The body may await
 * only the database (store functions), never the network, files or scrypt: everyone else waits meanwhile.
 *
 * Rule for code outside a transaction: reads go through `readDb(db)`, not the write connection, or
 * they may see a transaction's uncommitted writes while its body awaits (on ':memory:' the two are one).
 */
export function transaction<T>(db: SqliteDb, body: (tx: SqliteTx) => Promise<T>): Promise<T>;
export function transaction<T>(db: Db, body: (tx: Tx) => Promise<T>): Promise<T>;
export async function transaction<T>(db: Db, body: (tx: SqliteTx) => Promise<T>): Promise<T> {
  if (!isSqlite(db)) {
    const pg = pgBackendOf(db);
    if (!pg) throw new TransactionMisuse('transaction() takes the database handle: not a transaction handle (pass it down instead of nesting), not a replica');
    // A PostgreSQL db came in through the second overload, whose body takes any Tx.
    let wrote = false;
    const result = await pgTransaction(pg.pools.primary, (ptx) => pgBody(ptx, body as (tx: Tx) => Promise<T>, () => (wrote = true)));
    if (wrote) {
      // This process's caches drop what it wrote at once; other processes' when the bump reaches them.
      noteLocalCommit(pg);
      await bumpAfterCommit(pg.pools.primary);
    }
    return result;
  }
  const client = db.$client;
  if (current.getStore() === client) {
    throw new TransactionMisuse('transaction() called inside a transaction on the same database: pass the tx handle down instead of nesting');
  }
  const lane = laneOf(client);
  const wait = acquire(lane);
  if (wait) await wait;
  try {
    if (client.inTransaction) throw new TransactionMisuse('the write connection is already inside a transaction it did not start here');
    lane.begin.run();
    let result: T;
    try {
      // The write connection is inside BEGIN … COMMIT for as long as the body runs: that is what a Tx is.
      result = await current.run(client, () => body(db as SqliteTx));
    } catch (err) {
      if (client.inTransaction) lane.rollback.run();
      throw err;
    }
    try {
      lane.commit.run();
    } catch (err) {
      if (client.inTransaction) lane.rollback.run();
      throw err;
    }
    return result;
  } finally {
    release(lane);
  }
}

const WRITES = /^\s*(INSERT|UPDATE|DELETE)\b/i;

/** A PostgreSQL transaction's body behind a `Tx` handle; `onWrite` hears of its first INSERT, UPDATE or DELETE. */
async function pgBody<T>(ptx: PgTx, body: (tx: Tx) => Promise<T>, onWrite: () => void): Promise<T> {
  const seen = (text: string) => {
    if (WRITES.test(text)) onWrite();
  };
  const watched: Sql = {
    engine: 'pg',
    all: (text, params) => (seen(text), ptx.all(text, params)),
    get: (text, params) => (seen(text), ptx.get(text, params)),
    run: (text, params) => (seen(text), ptx.run(text, params)),
  };
  // A handle bound as in a transaction, on the client that runs this one: that is what a Tx is.
  const tx = pgHandle('a PostgreSQL transaction', watched, true) as Tx;
  return body(tx);
}

interface Bumps {
  running: Promise<void> | null;
  next: Promise<void> | null;
}
const bumps = new WeakMap<Pool, Bumps>();

/**
 * Moves the data version after a writing transaction has committed, so every process's caches (which read
 * the version where they read the data, see db/boards/dataVersion.ts) drop what it changed. After the commit,
 * not inside it: a version row locked until each commit is flushed would queue every write of the deployment
 * behind it. A stamp that moves only after the data never lets a cache keep data older than its stamp. The
 * writers of one process share bumps: one runs at a time, and all who committed meanwhile wait for the next.
 * A failed bump is logged, not thrown: the write itself has committed, and the next bump covers it.
 */
function bumpAfterCommit(pool: Pool): Promise<void> {
  let b = bumps.get(pool);
  if (!b) {
    b = { running: null, next: null };
    bumps.set(pool, b);
  }
  const state = b;
  const start = (): Promise<void> =>
    (state.running = pool
      .query('UPDATE data_version SET version = version + 1 WHERE id = 1')
      .then(
        () => undefined,
        (err: unknown) => console.error('[jifen] data version bump failed (caches catch up at the next write):', err instanceof Error ? err.message : err),
      )
      .finally(() => {
        state.running = null;
      }));
  if (!state.running) return start();
  state.next ??= state.running.then(() => {
    state.next = null;
    return start();
  });
  return state.next;
}
