import { pgBackendOf, type Db } from './client';
import { runExclusive } from './pg/locks';

/**
 * Runs a scheduled job unless another server process is running it now. On PostgreSQL several
 * processes share one database: an advisory lock lets one of them work while the others skip the
 * tick. On SQLite one process serves the file and the job's own write transactions serialise the rest.
 * Either way the jobs stay idempotent, since a lost lock connection lets a run finish unguarded.
 */
export async function runScheduledJob(db: Db, name: string, fn: () => Promise<void>): Promise<boolean> {
  const pg = pgBackendOf(db);
  if (!pg) {
    await fn();
    return true;
  }
  return (await runExclusive(pg.pools.primary, name, fn)).ran;
}
