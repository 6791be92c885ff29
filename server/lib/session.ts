import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { readDb } from '../../db/client';
import { findSessionActor, touchSession } from '../../db/sessions';
import { transaction } from '../../db/transaction';
import { SESSION_COOKIE, hashSessionToken } from '../modules/auth/sessionCookie';
import type { AppEnv } from './http';

// Writing last_seen_at on every request would turn every read into a write; once a minute is enough.
const TOUCH_INTERVAL_MS = 60_000;

/** Resolves the session cookie to an actor (or null). Revoked, expired or deactivated sessions count as none. */
export function sessionMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('actor', null);
    const token = getCookie(c, SESSION_COOKIE);
    if (token && token.length <= 100) {
      const deps = c.get('deps');
      const idHash = hashSessionToken(token);
      const row = await findSessionActor(readDb(deps.db), idHash);
      const now = (deps.now ? deps.now() : new Date()).getTime();
      if (row && !row.revokedAt && row.expiresAt > now && row.active) {
        c.set('actor', {
          userId: row.userId,
          username: row.username,
          role: row.role,
          areaId: row.areaId,
          areaPath: row.areaPath,
          areaKind: row.areaKind,
          householdId: row.householdId,
          sessionHash: idHash,
        });
        if (now - row.lastSeenAt > TOUCH_INTERVAL_MS) {
          // Its own write transaction, in the queue like any other: it must never land inside someone else's.
          // Best effort: a request must not fail because its session's clock could not be moved.
          await transaction(deps.db, (tx) => touchSession(tx, idHash, now)).catch((err: unknown) => console.error('[jifen] session touch:', err));
        }
      }
    }
    await next();
  };
}
