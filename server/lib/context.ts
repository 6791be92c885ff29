import type { Db } from '../../db/client';
import type { Role } from '../../db/users/users';
import { SYSTEM_DEVICE } from './audit';
import type { CheckpointKey } from './checkpointKey';

export interface Actor {
  userId: number;
  username: string;
  role: Role;
  areaId: number;
  /** Materialised path of the actor's area ("/1/4/"); everything the actor sees lies under it. */
  areaPath: string;
  areaKind: 'county' | 'township' | 'village' | 'group';
  householdId: number | null;
  sessionHash: string;
}

export interface Device {
  ip: string | null;
  userAgent: string | null;
}

export interface AppConfig {
  /** HMAC key for one-time household codes. */
  passSecret: string;
  /** scrypt cost parameter N (2^17 in production; tests lower it). */
  scryptN: number;
  passTtlSeconds: number;
  sessionTtlSeconds: number;
  cookieSecure: boolean;
  /** Take the client's IP from X-Forwarded-For (only behind a reverse proxy that sets it). */
  trustProxy?: boolean;
  /** Folder of evidence photos (db/evidence/files.ts); without it, photo uploads are refused. */
  evidenceDir?: string;
  /** Public requests per client address per minute (JIFEN_PUBLIC_RATE_LIMIT; 600). */
  publicRateLimitPerMinute?: number;
  /** The Ed25519 key checkpoints are signed with (appConfig loads it); absent only in test configs over ':memory:' (checkpointKeyOf). */
  checkpointKey?: CheckpointKey;
}

/** What every action receives: the database, who is acting, and the moment it acts. */
export interface Ctx {
  db: Db;
  actor: Actor;
  now: Date;
  device: Device;
  config: AppConfig;
}

/** Context for unauthenticated actions (login, public boards). */
export type PublicCtx = Omit<Ctx, 'actor'>;

/**
 * Context of scheduled work (posting due awards, expiry): nobody logged in acts, so there is no actor;
 * the audit writer records such rows with the role `system` and no user.
 */
export type SystemCtx = PublicCtx & { actor: null };

/** The system actor's context at `now`, for the scheduler and for CLIs that run scheduled work. */
export function systemCtx(db: Db, config: AppConfig, now: Date = new Date()): SystemCtx {
  return { db, actor: null, now, device: { ...SYSTEM_DEVICE }, config };
}
