/**
 * The SIGKILL crash test (tests/trust/crash.test.ts, shared workload) on PostgreSQL: the app server is
 * killed mid-load while PostgreSQL keeps running, so whatever a transaction on a dead connection had not
 * committed is rolled back by the database, and every commit the server acknowledged must be there. After
 * each kill (server dead): verify clean, every acknowledged award, approval, batch and redemption present,
 * no batch half-written; then a restart, and every redemption left unanswered is retried with its key.
 * JIFEN_PG_CRASH_KILLS sets the number of kills (small by default: each restart costs seconds).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, openDb, openPgDb } from '../../db/client';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import { grantPoints } from '../support/factories';
import { groupAlive, startServer, type ServerProcess } from '../support/server-process';
import { checkAcked, crashLoop, type Acked, type Killable } from '../trust/crash-workload';
import { seedTrustWorld } from '../trust/support';
import { freshDatabase, type FreshDatabase } from './support/database';

const KILLS = Number(process.env.JIFEN_PG_CRASH_KILLS ?? 4);
const SEED = Number(process.env.JIFEN_CRASH_SEED ?? 20261123);

const dir = mkdtempSync(join(tmpdir(), 'jifen-pg-crash-'));
let target: FreshDatabase | undefined;
let current: ServerProcess | undefined;

afterAll(async () => {
  const stopped = await Promise.allSettled([current?.stop()]);
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
  for (const s of stopped) if (s.status === 'rejected') throw s.reason;
}, 60_000);

/** SIGKILL to the server's whole process group, resolved once every process of it is gone. */
async function killHard(s: ServerProcess): Promise<void> {
  if (groupAlive(s.pid)) process.kill(-s.pid, 'SIGKILL');
  // stop() only waits here: the group is already dead or dying.
  await s.stop();
}

/** Sessions of the app role still open on the database (a killed server's connections must go away). */
async function appSessions(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return r.rows[0].n;
  } finally {
    await client.end();
  }
}

describe('crash safety on PostgreSQL', () => {
  it(
    `survives ${KILLS} SIGKILLs of the app server at random moments with every acknowledged write intact`,
    async () => {
      const file = join(dir, 'county.db');
      const setupDb = openDb({ file });
      const world = await seedTrustWorld(setupDb, { households: 40, stock: 1_000_000, price: 1 });
      for (const h of world.households) grantPoints(setupDb, h.id, h.villageId, 1_000_000);
      await closeDb(setupDb);
      target = await freshDatabase();
      await copySqliteToPg({ from: file, to: target.url });
      const url = target.url;

      const env = { JIFEN_DATABASE_URL: url, JIFEN_DATABASE_POOL: '8', JIFEN_DB: join(dir, 'x.db'), JIFEN_SCRYPT_N: '1024', JIFEN_NO_WEB: '1', JIFEN_DEMO: '0' };
      const start = async (): Promise<Killable> => {
        const s = await startServer({ env });
        current = s;
        return {
          base: s.base,
          kill: async () => {
            await killHard(s);
            current = undefined;
          },
        };
      };
      const check = async (acked: Acked) => {
        const db = await openPgDb({ url, dataDir: join(dir, 'checks'), migrate: false, poolSize: 2 });
        try {
          return await checkAcked(db, acked);
        } finally {
          await closeDb(db);
        }
      };

      const started = Date.now();
      // Longer windows than SQLite's 30–700 ms: with only a few kills each must still see every kind of write.
      const stats = await crashLoop({ kills: KILLS, seed: SEED, windowMs: [300, 1500], world, start, check });
      // PostgreSQL notices the dead server's connections and ends them: nothing of it lingers.
      await expect.poll(() => appSessions(url), { timeout: 10_000 }).toBe(0);
      const avg = (xs: number[]) => Math.round(xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length));
      console.log(
        `[pg crash] ${KILLS} kills in ${Date.now() - started} ms: ${stats.acked.awards.size} awards (${stats.acked.batches.size} batches), ${stats.acked.approved.size} approvals, ` +
          `${stats.acked.redemptions.size} redemptions acknowledged; ${stats.retried} unanswered redemptions retried; ` +
          `checks after a kill ${avg(stats.checkMs)} ms, restart ${avg(stats.restartMs)} ms (averages)`,
      );
    },
    KILLS * 30_000 + 90_000,
  );
});
