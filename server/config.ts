import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { meta } from '../db/schema';
import type { AppConfig } from './lib/context';

export interface ServerEnv {
  port: number;
  dbFile: string;
  demo: boolean;
  adminPassword: string | null;
}

export function readServerEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  return {
    port: Number(env.PORT ?? 3000),
    dbFile: env.JIFEN_DB ?? 'data/jifen.db',
    demo: (env.JIFEN_DEMO ?? '1') !== '0',
    adminPassword: env.JIFEN_ADMIN_PASSWORD ?? null,
  };
}

/** The code-signing secret lives in the database so codes stay valid across restarts and backups. */
export function loadOrCreateSecret(db: Db, key = 'pass_secret'): string {
  const existing = db.select().from(meta).where(eq(meta.key, key)).get();
  if (existing) return existing.value;
  const value = randomBytes(32).toString('hex');
  db.insert(meta).values({ key, value }).onConflictDoNothing().run();
  return db.select().from(meta).where(eq(meta.key, key)).get()!.value;
}

export function appConfig(db: Db, env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    passSecret: loadOrCreateSecret(db),
    scryptN: Number(env.JIFEN_SCRYPT_N ?? 2 ** 17),
    passTtlSeconds: 60,
    sessionTtlSeconds: Number(env.JIFEN_SESSION_TTL ?? 7 * 24 * 3600),
    cookieSecure: env.JIFEN_COOKIE_SECURE === '1',
    trustProxy: env.JIFEN_TRUST_PROXY === '1',
  };
}
