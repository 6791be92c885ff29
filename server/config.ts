import { randomBytes } from 'node:crypto';
import { applyCountyNumber, CountyNumberRefused } from '../db/bootstrap';
import type { Db } from '../db/client';
import { CountyNumberError, parseCountyNumber } from '../db/idRange';
import { putMetaIfAbsent, readMeta } from '../db/meta';
import { checkPgUrl, checkPoolSize, DEFAULT_POOL_SIZE } from '../db/pg/pool';
import { transaction } from '../db/transaction';
import { checkpointKeyForDb } from './lib/checkpointKey';
import type { AppConfig } from './lib/context';

export interface ServerEnv {
  port: number;
  dbFile: string;
  adminPassword: string | null;
  /** PostgreSQL instead of the SQLite file, when JIFEN_DATABASE_URL is set. */
  database?: PgEnv | null;
  /** JIFEN_COUNTY_NUMBER: the county's id range (db/idRange.ts); null when unset. */
  countyNumber?: number | null;
}

export interface PgEnv {
  url: string;
  readUrl: string | null;
  poolSize: number;
}

/** A database setting the server cannot start with; the process entry exits with code 2. */
export class DatabaseConfigError extends Error {
  override name = 'DatabaseConfigError';
}

/** The PostgreSQL settings (JIFEN_DATABASE_URL, _READ_URL, _POOL), checked; null when JIFEN_DATABASE_URL is unset. */
export function readDatabaseEnv(env: NodeJS.ProcessEnv = process.env): PgEnv | null {
  const url = env.JIFEN_DATABASE_URL?.trim() || null;
  const readUrl = env.JIFEN_DATABASE_READ_URL?.trim() || null;
  const pool = env.JIFEN_DATABASE_POOL?.trim() || null;
  if (!url) {
    // A replica or pool size without a primary is a half-done configuration, not a request for SQLite.
    if (readUrl || pool) throw new DatabaseConfigError(`${readUrl ? 'JIFEN_DATABASE_READ_URL' : 'JIFEN_DATABASE_POOL'} is set but JIFEN_DATABASE_URL is not`);
    return null;
  }
  try {
    return {
      url: checkPgUrl(url, 'JIFEN_DATABASE_URL'),
      readUrl: readUrl && checkPgUrl(readUrl, 'JIFEN_DATABASE_READ_URL'),
      poolSize: pool === null ? DEFAULT_POOL_SIZE : serverPoolSize(pool),
    };
  } catch (err) {
    throw new DatabaseConfigError(err instanceof Error ? err.message : String(err));
  }
}

// The scheduler holds one connection for its advisory lock while its jobs use another: one is not enough.
function serverPoolSize(raw: string): number {
  const size = checkPoolSize(/^\d+$/.test(raw) ? Number(raw) : NaN, 'JIFEN_DATABASE_POOL');
  if (size < 2) throw new Error('JIFEN_DATABASE_POOL must be at least 2 (the scheduler holds one connection while its jobs use another)');
  return size;
}

export function readServerEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  return {
    port: Number(env.PORT ?? 3000),
    dbFile: env.JIFEN_DB ?? 'data/jifen.db',
    adminPassword: env.JIFEN_ADMIN_PASSWORD ?? null,
    database: readDatabaseEnv(env),
    countyNumber: readCountyNumber(env),
  };
}

/** JIFEN_COUNTY_NUMBER, checked (a whole number 0–99999); null when unset. */
export function readCountyNumber(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env.JIFEN_COUNTY_NUMBER?.trim();
  if (!raw) return null;
  try {
    return parseCountyNumber(raw, 'JIFEN_COUNTY_NUMBER');
  } catch (err) {
    throw new DatabaseConfigError(err instanceof Error ? err.message : String(err));
  }
}

/** Gives the database its county number at start (db/bootstrap.ts); a number it cannot take stops the start (exit 2). */
export async function applyCountyNumberSetting(db: Db, countyNumber: number | null | undefined): Promise<void> {
  if (countyNumber == null) return;
  try {
    await applyCountyNumber(db, countyNumber);
  } catch (err) {
    if (err instanceof CountyNumberRefused || err instanceof CountyNumberError) throw new DatabaseConfigError(err.message);
    throw err;
  }
}

/** The code-signing secret lives in the database so codes stay valid across restarts and backups. */
export async function loadOrCreateSecret(db: Db, key = 'pass_secret'): Promise<string> {
  const existing = await readMeta(db, key);
  if (existing) return existing;
  const value = randomBytes(32).toString('hex');
  // Two servers starting on one new file both keep the first secret written.
  return transaction(db, (tx) => putMetaIfAbsent(tx, key, value));
}

function positiveInt(raw: string, name: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1, not "${raw}"`);
  return n;
}

export async function appConfig(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<AppConfig> {
  return {
    passSecret: await loadOrCreateSecret(db),
    scryptN: Number(env.JIFEN_SCRYPT_N ?? 2 ** 17),
    passTtlSeconds: 60,
    sessionTtlSeconds: Number(env.JIFEN_SESSION_TTL ?? 7 * 24 * 3600),
    cookieSecure: env.JIFEN_COOKIE_SECURE === '1',
    trustProxy: env.JIFEN_TRUST_PROXY === '1',
    checkpointKey: checkpointKeyForDb(db, env),
    ...(env.JIFEN_PUBLIC_RATE_LIMIT ? { publicRateLimitPerMinute: positiveInt(env.JIFEN_PUBLIC_RATE_LIMIT, 'JIFEN_PUBLIC_RATE_LIMIT') } : {}),
  };
}
