import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { closeDb, openDb } from '../../db/client';
import type { ServerProcess } from '../support/server-process';
import { checkTwoProcessInvariants, raceTwoProcesses, seedTwoProcessWorld, signInBoth, startServerPair } from './two-process-scenario';

/**
 * Two server processes on one database file: each has its own write connection and its own async mutex,
 * so only SQLite's write lock (BEGIN IMMEDIATE, busy_timeout) and the village chain lock taken through the
 * stores keep them apart. Both redeem, propose and approve awards, reverse entries and run expiry in the
 * same village at once. The scenario is shared with the PostgreSQL lane (./two-process-scenario.ts).
 */
let dir: string;
let file: string;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-two-proc-'));
  file = join(dir, 'j.db');
}, 60_000);

afterAll(async () => {
  // Stop every server even when one stop fails, then report the failure.
  const stops = await Promise.allSettled(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
  for (const s of stops) if (s.status === 'rejected') throw s.reason;
}, 60_000);

describe('two server processes on one database file', () => {
  it('redeem, award, reverse and expire in one village from both at once: one chain, balances from entries, stock and caps held, each redemption charged once', async () => {
    const db = openDb({ file });
    const s = await seedTwoProcessWorld(db);
    await closeDb(db);

    const [a, b] = await startServerPair({ JIFEN_DB: file, JIFEN_SCRYPT_N: '1024' }, servers);
    const outcome = await raceTwoProcesses(await signInBoth(a, b), s);

    await Promise.all([a.stop(), b.stop()]);
    servers.length = 0;

    const after = openDb({ file });
    try {
      await checkTwoProcessInvariants(after, s, outcome);
    } finally {
      await closeDb(after);
    }
  }, 240_000);
});
