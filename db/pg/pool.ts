import pg from 'pg';
import type { CustomTypesConfig, Pool, PoolClient, PoolConfig } from 'pg';

/** Connections per pool when the deployment does not say (JIFEN_DATABASE_POOL). */
export const DEFAULT_POOL_SIZE = 10;
export const MAX_POOL_SIZE = 200;

/**
 * Server-side limits every connection gets. A request holds a transaction for milliseconds; one that runs
 * for half a minute is a bug or a lock pile-up, and failing it (57014/55P03, answered 503) frees the pool.
 */
export const PG_LIMITS = {
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 10_000,
  idleInTransactionMs: 60_000,
  connectTimeoutMs: 10_000,
} as const;

export interface PgPoolOptions {
  /** postgres:// URL of the primary: every write, and every read that decides a write. */
  url: string;
  /** postgres:// URL of a streaming replica for public boards, dashboards, exports. */
  readUrl?: string | null;
  /** Connections per pool (1–200, default 10). */
  poolSize?: number;
  /** Overrides PG_LIMITS.statementTimeoutMs (tests). */
  statementTimeoutMs?: number;
  /** Overrides PG_LIMITS.connectTimeoutMs, also the longest wait for a free pooled connection (tests). */
  connectTimeoutMs?: number;
}

export interface PgPools {
  primary: Pool;
  /** Null when no read URL was given: replica reads then go to the primary. */
  replica: Pool | null;
  /** Ends both pools; idempotent. */
  close(): Promise<void>;
}

/** A value the app cannot hold as a JavaScript number without changing it. */
export class PgNumberOutOfRange extends RangeError {
  override name = 'PgNumberOutOfRange';
}

/** int8 (COUNT, SUM of int4, bigint ids and millisecond times) as a number; refuses what a double would round. */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new PgNumberOutOfRange(`int8 value ${text} is beyond ±2^53-1 and cannot be read as a number`);
  return n;
}

/** numeric (SUM of int8, arithmetic on it) as a number when it is a safe integer; a fraction must be rounded in SQL. */
export function parseNumeric(text: string): number {
  const m = /^(-?\d+)(?:\.0*)?$/.exec(text);
  if (!m) throw new PgNumberOutOfRange(`numeric value ${text} is not a whole number: round it in SQL before reading it`);
  return parseInt8(m[1]!);
}

const INT8 = 20;
const NUMERIC = 1700;
const INT8_ARRAY = 1016;
const NUMERIC_ARRAY = 1231;

const TEXT_ARRAY: number = 1009;
// Elements as PostgreSQL wrote them; the default numeric[] parser would go through parseFloat.
const textArray = pg.types.getTypeParser(TEXT_ARRAY, 'text') as (text: string) => (string | null)[];

// Per pool, not pg.types.setTypeParser: the global one would change every other pg user in the process.
const jifenTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === undefined || format === 'text') {
      if (oid === INT8) return parseInt8;
      if (oid === NUMERIC) return parseNumeric;
      if (oid === INT8_ARRAY) return (text: string) => textArray(text).map((v) => (v === null ? null : parseInt8(v)));
      if (oid === NUMERIC_ARRAY) return (text: string) => textArray(text).map((v) => (v === null ? null : parseNumeric(v)));
    }
    return pg.types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

/** Refuses anything but a postgres:// or postgresql:// URL; the message names the setting, never the URL (it may hold a password). */
export function checkPgUrl(url: string, setting = 'JIFEN_DATABASE_URL'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${setting} is not a URL: expected postgres://user:password@host:5432/database`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`${setting} must start with postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  return url;
}

export function checkPoolSize(size: number, setting = 'JIFEN_DATABASE_POOL'): number {
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_POOL_SIZE) throw new Error(`${setting} must be a whole number from 1 to ${MAX_POOL_SIZE}, not ${size}`);
  return size;
}

function poolConfig(url: string, size: number, statementTimeoutMs: number, connectTimeoutMs: number, readOnly: boolean): PoolConfig {
  return {
    connectionString: url,
    max: size,
    types: jifenTypes,
    application_name: 'jifen',
    statement_timeout: statementTimeoutMs,
    lock_timeout: PG_LIMITS.lockTimeoutMs,
    idle_in_transaction_session_timeout: PG_LIMITS.idleInTransactionMs,
    connectionTimeoutMillis: connectTimeoutMs,
    keepAlive: true,
    // A write that reaches the replica pool fails (25006) even before the replica is a real standby.
    ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  };
}

function newPool(config: PoolConfig, label: string): Pool {
  const pool = new pg.Pool(config);
  // An idle client losing its server (restart, failover) emits here; unhandled, it would kill the process.
  pool.on('error', (err) => console.error(`[jifen] PostgreSQL ${label} pool: idle connection lost`, err.message));
  return pool;
}

/** The primary pool and, with `readUrl`, a read-only replica pool. Connects lazily: nothing is opened here. */
export function openPgPools(opts: PgPoolOptions): PgPools {
  const size = checkPoolSize(opts.poolSize ?? DEFAULT_POOL_SIZE);
  const timeout = opts.statementTimeoutMs ?? PG_LIMITS.statementTimeoutMs;
  const connect = opts.connectTimeoutMs ?? PG_LIMITS.connectTimeoutMs;
  const primary = newPool(poolConfig(checkPgUrl(opts.url), size, timeout, connect, false), 'primary');
  const replica = opts.readUrl ? newPool(poolConfig(checkPgUrl(opts.readUrl, 'JIFEN_DATABASE_READ_URL'), size, timeout, connect, true), 'replica') : null;
  let closing: Promise<void> | null = null;
  return {
    primary,
    replica,
    close: () => (closing ??= Promise.all([primary.end(), replica?.end()]).then(() => undefined)),
  };
}

/** No pooled connection became free in time: every one is busy. Answered 503 busy (onError), like 53300. */
export class PgPoolTimeout extends Error {
  override name = 'PgPoolTimeout';
  readonly code = 'JIFEN_POOL_TIMEOUT';
}

/** `pool.connect()`, with pg-pool's code-less timeout error turned into a `PgPoolTimeout`. */
export async function checkout(pool: Pool): Promise<PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    if (err instanceof Error && !('code' in err) && /timeout exceeded when trying to connect/.test(err.message)) {
      throw new PgPoolTimeout(`no free PostgreSQL connection within ${pool.options.connectionTimeoutMillis} ms (pool of ${pool.options.max})`, { cause: err });
    }
    throw err;
  }
}
