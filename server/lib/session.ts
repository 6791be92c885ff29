import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { findSessionActor, touchSession } from '../../db/sessions';
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
      const row = findSessionActor(deps.db, idHash);
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
        if (now - row.lastSeenAt > TOUCH_INTERVAL_MS) touchSession(deps.db, idHash, now);
      }
    }
    await next();
  };
}
