/**
 * The README's "Run on PostgreSQL": `npm start` (seeds/start.ts) with JIFEN_DATABASE_URL loads the demo county
 * into an empty PostgreSQL database and serves it; photos and the checkpoint key go to JIFEN_DB's folder and
 * no SQLite file is left there; `npm run verify` checks the PostgreSQL database; a restart on a database that
 * holds data touches nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../seeds/demo';
import { startServer, type ServerProcess } from '../support/server-process';
import { HttpClient } from '../trust/support';
import { freshDatabase, type FreshDatabase } from './support/database';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

let dir: string;
let target: FreshDatabase;
let server: ServerProcess | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-pg-start-'));
  target = await freshDatabase();
  env = { JIFEN_DATABASE_URL: target.url, JIFEN_DB: join(dir, 'data', 'jifen.db'), JIFEN_NO_WEB: '1' };
  server = await startServer({ env, entry: 'seeds/start.ts', startTimeoutMs: 240_000 });
}, 300_000);

afterAll(async () => {
  const stops = await Promise.allSettled([server?.stop(), target?.drop()]);
  rmSync(dir, { recursive: true, force: true });
  for (const s of stops) if (s.status === 'rejected') throw s.reason;
}, 60_000);

describe('npm start on PostgreSQL', () => {
  it('loads the demo county into the empty database and serves the household, the counter and the public board from it', async () => {
    expect(server!.log()).toContain('demo county copied into PostgreSQL');
    expect(server!.log()).toMatch(/listening on .*PostgreSQL 127\.0\.0\.1:\d+\//);
    // Photos and the signing key live in JIFEN_DB's folder; the SQLite file itself never appears.
    const files = readdirSync(join(dir, 'data'));
    expect(files).toContain('checkpoint-key.pem');
    expect(files).toContain('evidence');
    expect(existsSync(env.JIFEN_DB)).toBe(false);

    const home = await new HttpClient(server!.base).login('household', DEMO_PASSWORD);
    const me = (await home.request('GET', '/api/auth/me')).body as { user: { householdId: number } };
    const ledger = await home.request('GET', `/api/households/${me.user.householdId}/ledger?limit=5&offset=0`);
    expect(ledger.status).toBe(200);
    expect((ledger.body as { items: unknown[] }).items.length).toBeGreaterThan(0);

    const board = await fetch(`${server!.base}/api/public/areas/4/leaderboard?period=2026`);
    expect(board.status).toBe(200);
    const rows = ((await board.json()) as { items: { rank: number; points: number }[] }).items;
    expect(rows.length).toBeGreaterThan(10);
    expect(rows[0].rank).toBe(1);
    expect(rows[0].points).toBeGreaterThanOrEqual(rows[rows.length - 1].points);
  });

  it('npm run verify checks the PostgreSQL database and says OK', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/cli/verify.ts'], {
      cwd: root,
      env: { ...process.env, ...env },
      maxBuffer: 4 * 1024 * 1024,
    });
    expect(stdout).toMatch(/^OK 6 village chains, .* 600 households/m);
  }, 180_000);

  it('a restart on a database that holds data loads nothing and serves the same county', async () => {
    const before = await fetch(`${server!.base}/api/public/areas`).then((r) => r.json());
    await server!.stop();
    server = await startServer({ env, entry: 'seeds/start.ts', startTimeoutMs: 120_000 });
    expect(server.log()).not.toContain('loading the demo county');
    expect(await fetch(`${server.base}/api/public/areas`).then((r) => r.json())).toEqual(before);
  }, 180_000);
});
