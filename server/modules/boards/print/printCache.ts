import { dataVersion } from '../../../../db/boards/dataVersion';
import type { Db } from '../../../../db/client';
import { shanghaiDay } from '../../../../db/time';
import type { PublicCtx } from '../../../lib/context';
import { concurrencyBudget } from '../../../lib/rateLimit';
import type { Printed } from './printPages';

export interface PrintedPage {
  status: 200 | 404;
  /** UTF-8 HTML: counted exactly against the cache's byte budget. */
  body: Uint8Array<ArrayBuffer>;
}

/** Rendered print pages held in memory, in bytes, across all pages of one database. */
export const PRINT_CACHE_BYTES = 8 * 1024 * 1024;
// A page bigger than this (a village of ~1,600 households' plaques) is served but not kept: it would push out everything else.
const MAX_PAGE_BYTES = PRINT_CACHE_BYTES / 2;

/**
 * Renders on a cache miss, for the whole process: a plaque sheet of a big village costs ~0.5 s of
 * main-thread CPU, so anonymous visitors get two renders at a time and a short wait, then 503 `busy`.
 */
export const printBudget = concurrencyBudget({ maxInFlight: 2, maxQueued: 16, maxWaitMs: 3000, retryAfterSeconds: 5 });

/** Counters for tests and the operator: renders are cache misses that did the work. */
export const printStats = { renders: 0, hits: 0 };

interface PageCache {
  stamp: string;
  pages: Map<string, PrintedPage>;
  bytes: number;
  /** Renders under way, so that a burst of the same page renders it once. */
  pending: Map<string, Promise<PrintedPage>>;
}

const caches = new WeakMap<Db, PageCache>();
const encoder = new TextEncoder();

function cacheOf(db: Db, stamp: string): PageCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = { stamp, pages: new Map(), bytes: 0, pending: new Map() };
    caches.set(db, cache);
  } else if (cache.stamp !== stamp) {
    // Something was committed: every page may show it, so none is kept (the leaderboard cache does the same).
    cache.stamp = stamp;
    cache.pages.clear();
    cache.bytes = 0;
    cache.pending.clear();
  }
  return cache;
}

function keep(cache: PageCache, key: string, page: PrintedPage) {
  if (page.body.byteLength > MAX_PAGE_BYTES) return;
  const previous = cache.pages.get(key);
  if (previous) {
    cache.pages.delete(key);
    cache.bytes -= previous.body.byteLength;
  }
  cache.pages.set(key, page);
  cache.bytes += page.body.byteLength;
  // Map iteration order is insertion order: the first key is the least recently used.
  for (const [oldest, old] of cache.pages) {
    if (cache.bytes <= PRINT_CACHE_BYTES) break;
    cache.pages.delete(oldest);
    cache.bytes -= old.body.byteLength;
  }
}

/**
 * A print page from the cache, or rendered within the print budget and kept until anything is
 * committed to the database (or the day changes: pages show the date). `key` names the page and
 * its validated parameters, including the origin its QR codes point to, since that comes from the
 * request's Host header.
 */
export async function cachedPage(ctx: PublicCtx, key: string, render: () => Promise<Printed>): Promise<PrintedPage> {
  const renderNow = () =>
    printBudget.run(async () => {
      printStats.renders += 1;
      const printed = await render();
      return { status: printed.status, body: encoder.encode(String(await printed.page)) };
    });
  // Stamped through the write handle (ctx.db): on SQLite only it sees this process's commits at once; on PostgreSQL
  // the stamp is read on the replica, where the pages read too.
  const stamp = await dataVersion(ctx.db);
  // A write transaction is open: what is read now may be rolled back or committed unseen, so nothing is kept.
  if (stamp === null) return renderNow();
  const cache = cacheOf(ctx.db, stamp);
  const fullKey = `${shanghaiDay(ctx.now.getTime())}|${key}`;
  const hit = cache.pages.get(fullKey);
  if (hit) {
    cache.pages.delete(fullKey);
    cache.pages.set(fullKey, hit);
    printStats.hits += 1;
    return hit;
  }
  const running = cache.pending.get(fullKey);
  if (running) return running;
  const rendering = renderNow();
  cache.pending.set(fullKey, rendering);
  try {
    const page = await rendering;
    // Kept only if nothing was committed while it rendered (renders yield to the event loop).
    if (caches.get(ctx.db) === cache && cache.stamp === stamp && (await dataVersion(ctx.db)) === stamp) keep(cache, fullKey, page);
    return page;
  } finally {
    if (cache.pending.get(fullKey) === rendering) cache.pending.delete(fullKey);
  }
}
