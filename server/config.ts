import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client';
import { putMetaIfAbsent, readMeta } from '../db/meta';
import { transaction } from '../db/transaction';
import { checkpointKeyForDb } from './lib/checkpointKey';
import type { AppConfig } from './lib/context';

export interface ServerEnv {
  port: number;
  dbFile: string;
  adminPassword: string | null;
}

export function readServerEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  return {
    port: Number(env.PORT ?? 3000),
    dbFile: env.JIFEN_DB ?? 'data/jifen.db',
    adminPassword: env.JIFEN_ADMIN_PASSWORD ?? null,
  };
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
