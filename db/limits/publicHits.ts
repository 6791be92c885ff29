import { pgBackendOf, type Db } from '../client';
import { pgTransaction } from '../pg/transaction';
import { isSqlite, sqlOf } from '../sql';

/** One batch entry: hits of one address key in one window. */
export interface HitCount {
  windowStart: number;
  key: string;
  count: number;
}

/**
 * Adds each entry's hits to its window's counter in ONE statement and returns the totals after the
 * addition. Atomic per row on both engines (a concurrent upsert of the same row waits for this one),
 * so every process learns exactly which of its hits fall within the limit. Entries must be distinct by
 * (window, key); they are written in key order so two processes' batches cannot deadlock.
 */
export async function addPublicHits(db: Db, hits: readonly HitCount[]): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  if (hits.length === 0) return totals;
  const sorted = [...hits].sort((a, b) => a.windowStart - b.windowStart || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const text = `INSERT INTO public_hits (window_start, key, count) VALUES ${sorted.map(() => '(?, ?, ?)').join(', ')}
     ON CONFLICT (window_start, key) DO UPDATE SET count = public_hits.count + excluded.count
     RETURNING window_start AS "windowStart", key AS "key", count AS "count"`;
  const params = sorted.flatMap((h) => [h.windowStart, h.key, h.count]);
  const pg = isSqlite(db) ? undefined : pgBackendOf(db);
  // Every public request waits for its count: on PostgreSQL it commits without waiting for the WAL flush. A crash
  // may forget the last milliseconds of counts (a visitor gets those few requests again), never corrupt them; the
  // commit is still atomic and seen by every process at once. Not through transaction(): no cache need drop anything.
  const rows = pg
    ? await pgTransaction(pg.pools.primary, async (tx) => {
        await tx.run('SET LOCAL synchronous_commit = off');
        return tx.all<HitCount>(text, params);
      })
    : await sqlOf(db).all<HitCount>(text, params);
  for (const r of rows) totals.set(hitKey(Number(r.windowStart), r.key), Number(r.count));
  return totals;
}

export const hitKey = (windowStart: number, key: string) => `${windowStart}|${key}`;

/** Drops the counters of windows that ended before `before`. */
export async function prunePublicHits(db: Db, before: number): Promise<void> {
  await sqlOf(db).run('DELETE FROM public_hits WHERE window_start < ?', [before]);
}
