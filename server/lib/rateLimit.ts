import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { MemoryStore, rateLimiter } from 'hono-rate-limiter';
import { pgBackendOf, type Db } from '../../db/client';
import { addPublicHits, hitKey, prunePublicHits } from '../../db/limits/publicHits';
import { ServiceUnavailable, TooManyRequests } from './errors';
import { deviceOf, type AppEnv } from './http';

const OVER_LIMIT = '访问过于频繁，请稍后再试';

/**
 * Per-IP limit for the public, no-login pages (boards, notices, print posters). Generous: a village
 * office behind one IP can still print everything. On SQLite (one process per file) each app counts in
 * memory; given a PostgreSQL `db`, every process counts in the database, so the limit holds however
 * many processes serve one database.
 */
export function publicRateLimit(limit = 600, windowMs = 60_000, db?: Db): PublicRateLimit {
  if (db && pgBackendOf(db)) return sharedRateLimit(db, limit, windowMs);
  const store = new MemoryStore<AppEnv>();
  const keyOf = (c: Context<AppEnv>) => deviceOf(c).ip ?? 'unknown';
  const middleware = rateLimiter<AppEnv>({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    keyGenerator: keyOf,
    store,
    handler: () => {
      throw new TooManyRequests(OVER_LIMIT);
    },
  });
  const policy = `${limit};w=${Math.ceil(windowMs / 1000)}`;
  const count = (ip: string | null): Record<string, string> | null => {
    const { totalHits, resetTime } = store.increment(ip ?? 'unknown');
    if (totalHits > limit) return null;
    const reset = resetTime ? Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(windowMs / 1000);
    return { 'RateLimit-Policy': policy, RateLimit: `limit=${limit}, remaining=${limit - totalHits}, reset=${reset}` };
  };
  return { middleware, count, shared: false };
}

/** The public limit: as middleware, and as a bare count (the same counter) for the prepared-answer fast path. */
export interface PublicRateLimit {
  middleware: MiddlewareHandler<AppEnv>;
  /**
   * Counts one request of the client at `ip` (as `deviceOf` gives it): the rate-limit headers to send, or
   * null when it is over the limit. A promise when the count lives in the database; there, the count is
   * kept with `req` and the middleware takes it for the same request instead of counting it twice.
   */
  count(ip: string | null, req?: Request): Record<string, string> | null | Promise<Record<string, string> | null>;
  /** Counted in the database (a round trip): the fast path starts the count beside its other read. */
  readonly shared: boolean;
}

/** A stored address is a hash: the table never holds a visitor's IP (pseudonymous only, an IPv4 space can be enumerated). */
function addressKey(ip: string | null): string {
  return createHash('sha256')
    .update(`jifen:public-hit:${ip ?? 'unknown'}`)
    .digest('base64url')
    .slice(0, 22);
}

type Verdict = { ok: true; headers: Record<string, string> } | { ok: false; retryAfter: number };

interface Waiting {
  windowStart: number;
  key: string;
  waiters: Array<{ resolve: (hit: number) => void; reject: (err: unknown) => void }>;
}

// Rows per statement: 3 parameters each, far below PostgreSQL's 65,535.
const MAX_BATCH = 1000;

/**
 * The count in the database, exact across processes: each hit is one `INSERT … ON CONFLICT DO UPDATE SET
 * count = count + n RETURNING count`, and the total returned numbers this process's hits within the
 * window. Hits that arrive while a statement is in flight wait and go together in the next one (grouped
 * by address), so a busy process makes about one statement per database round trip, not one per request.
 */
function sharedRateLimit(db: Db, limit: number, windowMs: number): PublicRateLimit {
  const policy = `${limit};w=${Math.ceil(windowMs / 1000)}`;
  const waiting = new Map<string, Waiting>();
  let flushing = false;
  let prunedBefore = 0;

  const flush = async () => {
    flushing = true;
    try {
      while (waiting.size > 0) {
        const entries = [...waiting.values()].slice(0, MAX_BATCH);
        for (const e of entries) waiting.delete(hitKey(e.windowStart, e.key));
        try {
          const totals = await addPublicHits(
            db,
            entries.map((e) => ({ windowStart: e.windowStart, key: e.key, count: e.waiters.length })),
          );
          for (const e of entries) {
            const total = totals.get(hitKey(e.windowStart, e.key));
            if (total === undefined) throw new Error('public_hits: no total returned for a counted address');
            const first = total - e.waiters.length;
            e.waiters.forEach((w, i) => w.resolve(first + i + 1));
          }
        } catch (err) {
          for (const e of entries) for (const w of e.waiters) w.reject(err);
        }
        // Counters of the previous window are kept until the next one starts; older ones go, once per window per process.
        const current = Math.floor(Date.now() / windowMs) * windowMs;
        if (current - windowMs > prunedBefore) {
          prunedBefore = current - windowMs;
          await prunePublicHits(db, prunedBefore).catch(() => {
            prunedBefore = 0;
          });
        }
      }
    } finally {
      flushing = false;
    }
  };

  const hit = async (ip: string | null): Promise<Verdict> => {
    const now = Date.now();
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const key = addressKey(ip);
    const id = hitKey(windowStart, key);
    const n = await new Promise<number>((resolve, reject) => {
      let entry = waiting.get(id);
      if (!entry) waiting.set(id, (entry = { windowStart, key, waiters: [] }));
      entry.waiters.push({ resolve, reject });
      if (!flushing) void flush();
    });
    const reset = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
    if (n > limit) return { ok: false, retryAfter: reset };
    return { ok: true, headers: { 'RateLimit-Policy': policy, RateLimit: `limit=${limit}, remaining=${limit - n}, reset=${reset}` } };
  };

  const counted = new WeakMap<Request, Promise<Verdict>>();
  const verdictOf = (ip: string | null, req: Request | undefined): Promise<Verdict> => {
    const known = req && counted.get(req);
    if (known) return known;
    const verdict = hit(ip);
    if (req) counted.set(req, verdict);
    // Awaited later, maybe by the app after routing: a failure must not count as unhandled meanwhile.
    verdict.catch(() => undefined);
    return verdict;
  };

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const verdict = await verdictOf(deviceOf(c).ip, c.req.raw);
    if (!verdict.ok) throw new TooManyRequests(OVER_LIMIT, 'too_many_requests', verdict.retryAfter);
    for (const [name, value] of Object.entries(verdict.headers)) c.header(name, value);
    await next();
  };
  const count = async (ip: string | null, req?: Request) => {
    const verdict = await verdictOf(ip, req);
    return verdict.ok ? verdict.headers : null;
  };
  return { middleware, count, shared: true };
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
