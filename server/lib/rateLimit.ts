import type { Context, MiddlewareHandler } from 'hono';
import { MemoryStore, rateLimiter } from 'hono-rate-limiter';
import { ServiceUnavailable, TooManyRequests } from './errors';
import { deviceOf, type AppEnv } from './http';

/**
 * Per-IP limit for the public, no-login pages (boards, notices, print posters). Generous: a village
 * office behind one IP can still print everything. Each app gets its own in-memory counter.
 */
export function publicRateLimit(limit = 600, windowMs = 60_000): PublicRateLimit {
  const store = new MemoryStore<AppEnv>();
  const keyOf = (c: Context<AppEnv>) => deviceOf(c).ip ?? 'unknown';
  const middleware = rateLimiter<AppEnv>({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    keyGenerator: keyOf,
    store,
    handler: () => {
      throw new TooManyRequests('访问过于频繁，请稍后再试');
    },
  });
  const policy = `${limit};w=${Math.ceil(windowMs / 1000)}`;
  const count = (ip: string | null): Record<string, string> | null => {
    const { totalHits, resetTime } = store.increment(ip ?? 'unknown');
    if (totalHits > limit) return null;
    const reset = resetTime ? Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(windowMs / 1000);
    return { 'RateLimit-Policy': policy, RateLimit: `limit=${limit}, remaining=${limit - totalHits}, reset=${reset}` };
  };
  return { middleware, count };
}

/** The public limit: as middleware, and as a bare count (the same counter) for the prepared-answer fast path. */
export interface PublicRateLimit {
  middleware: MiddlewareHandler<AppEnv>;
  /** Counts one request of the client at `ip` (as `deviceOf` gives it): the rate-limit headers to send, or null when it is over the limit. */
  count(ip: string | null): Record<string, string> | null;
}

export interface BudgetOptions {
  /** Works running at once. */
  maxInFlight: number;
  /** Requests that may wait for a slot; beyond that they are refused at once. */
  maxQueued: number;
  /** How long a request may wait for a slot before it is refused. */
  maxWaitMs: number;
  /** Sent as Retry-After with the 503. */
  retryAfterSeconds: number;
}

export interface Budget {
  /** Runs `work` when a slot is free; throws 503 `busy` when none frees up in time. */
  run<T>(work: () => Promise<T>): Promise<T>;
  readonly inFlight: number;
  readonly queued: number;
  /** The most works ever in flight at once (for tests and the operator). */
  readonly peakInFlight: number;
}

/**
 * A global (not per-IP) limit on expensive work, so that many clients — each within its per-IP
 * limit — cannot take the whole main thread from the counter. Waiters get their slot on a later
 * turn of the event loop (setImmediate), so I/O such as health checks and redemptions is served
 * between two renders rather than after the whole queue.
 */
export function concurrencyBudget(options: BudgetOptions): Budget {
  let inFlight = 0;
  let peakInFlight = 0;
  const queue: Array<{ start: () => void; timer: NodeJS.Timeout }> = [];
  const busy = () => new ServiceUnavailable('busy', '服务器繁忙，请稍后再试', options.retryAfterSeconds);

  const acquire = (): Promise<void> | void => {
    if (inFlight < options.maxInFlight) {
      inFlight += 1;
      peakInFlight = Math.max(peakInFlight, inFlight);
      return;
    }
    if (queue.length >= options.maxQueued) throw busy();
    return new Promise((resolve, reject) => {
      const waiter = {
        start: resolve,
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(waiter), 1);
          reject(busy());
        }, options.maxWaitMs),
      };
      queue.push(waiter);
    });
  };
  // The slot passes straight to the next waiter, so a newcomer cannot jump the queue.
  const release = () => {
    const next = queue.shift();
    if (!next) {
      inFlight -= 1;
      return;
    }
    clearTimeout(next.timer);
    setImmediate(next.start);
  };

  return {
    async run(work) {
      await acquire();
      try {
        return await work();
      } finally {
        release();
      }
    },
    get inFlight() {
      return inFlight;
    },
    get queued() {
      return queue.length;
    },
    get peakInFlight() {
      return peakInFlight;
    },
  };
}

/**
 * A global limit on the main-thread time a group of routes may take: once their handlers have run
 * `maxBusyMs` within the last `windowMs`, further requests get 503 `busy` until the window moves
 * on. For synchronous handlers (a concurrency limit cannot hold them back: each runs to the end),
 * so that anonymous visitors leave the rest of every second to the counter.
 */
export function timeBudget(windowMs = 1000, maxBusyMs = 500): MiddlewareHandler<AppEnv> {
  const spent: Array<{ at: number; ms: number }> = [];
  let total = 0;
  return async (c, next) => {
    const now = performance.now();
    while (spent.length && spent[0].at <= now - windowMs) total -= spent.shift()!.ms;
    if (total >= maxBusyMs) throw new ServiceUnavailable('busy', '服务器繁忙，请稍后再试', Math.ceil(windowMs / 1000));
    try {
      await next();
    } finally {
      const end = performance.now();
      spent.push({ at: end, ms: end - now });
      total += end - now;
    }
  };
}
