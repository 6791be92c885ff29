import type { MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { TooManyRequests } from './errors';
import { deviceOf, type AppEnv } from './http';

/**
 * Per-IP limit for the public, no-login pages (boards, notices, print posters). Generous: a village
 * office behind one IP can still print everything. Each app gets its own in-memory counter.
 */
export function publicRateLimit(limit = 600, windowMs = 60_000): MiddlewareHandler<AppEnv> {
  return rateLimiter<AppEnv>({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    keyGenerator: (c) => deviceOf(c).ip ?? 'unknown',
    handler: () => {
      throw new TooManyRequests('访问过于频繁，请稍后再试');
    },
  });
}
