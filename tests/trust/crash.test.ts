import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { closeDb, openDb } from '../../db/client';
import { grantPoints } from '../support/factories';
import { checkAcked, crashLoop, type Acked, type Killable } from './crash-workload';
import { seedTrustWorld } from './support';

const KILLS = Number(process.env.JIFEN_CRASH_KILLS ?? 30);
const SEED = Number(process.env.JIFEN_CRASH_SEED ?? 20261123);
const root = resolve(import.meta.dirname, '../..');

interface Server {
  child: ChildProcess;
  base: string;
}

/** Starts the real server (server/main.ts) on a free loopback port and resolves once it listens. */
function startServer(file: string): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, JIFEN_DB: file, JIFEN_NO_WEB: '1', JIFEN_SCRYPT_N: '1024', JIFEN_DEMO: '0', PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) resolvePromise({ child, base: `http://127.0.0.1:${m[1]}` });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${err.slice(0, 2000)}`)));
  });
}

function killHard(s: Server): Promise<void> {
  return new Promise((res) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return res();
    s.child.once('exit', () => res());
    s.child.kill('SIGKILL');
  });
}

/** With the server dead: the file recovers from its WAL and every promise still holds (workload and checks: ./crash-workload.ts, shared with the PostgreSQL lane). */
async function checkAfterCrash(file: string, acked: Acked): Promise<Set<number>> {
  const db = openDb({ file, migrate: false });
  try {
    return await checkAcked(db, acked);
  } finally {
    await closeDb(db);
  }
}

describe('crash safety', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    `survives ${KILLS} SIGKILLs at random moments with every acknowledged write intact`,
    async () => {
      const file = join(dir, 'crash.db');
      const setupDb = openDb({ file });
      const w = await seedTrustWorld(setupDb, { households: 40, stock: 1_000_000, price: 1 });
      for (const h of w.households) grantPoints(setupDb, h.id, h.villageId, 1_000_000);
      setupDb.$client.close();

      const start = async (): Promise<Killable> => {
        const s = await startServer(file);
        return { base: s.base, kill: () => killHard(s) };
      };
      const { acked, retried } = await crashLoop({ kills: KILLS, seed: SEED, world: w, start, check: (a) => checkAfterCrash(file, a) });
      console.log(`[crash] ${KILLS} kills: ${acked.awards.size} awards (${acked.batches.size} batches), ${acked.approved.size} approvals, ${acked.redemptions.size} redemptions acknowledged; ${retried} unanswered redemptions retried`);
    },
    KILLS * 15_000 + 60_000,
  );
});
