/**
 * Login and PIN throttles and the public rate limit across two server processes on one PostgreSQL database.
 * Nothing in either process's memory may decide: wrong passwords alternated between the processes lock an
 * account after the same number of tries as against one, parallel bursts split across both are counted
 * exactly, and the public limit (30 a minute here) serves exactly 30 of 40 requests of one address whichever
 * process they reach. The county is seeded on SQLite with the factories and moved by db:copy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openDb, openPgDb, type Db } from '../../db/client';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import { sqlOf } from '../../db/sql';
import { makeUser, PASSWORD } from '../support/factories';
import type { ServerProcess } from '../support/server-process';
import { HttpClient, seedTrustWorld, type Reply } from '../trust/support';
import { startServerPair } from '../trust/two-process-scenario';
import { freshDatabase, type FreshDatabase } from './support/database';

const PUBLIC_LIMIT = 30;

let dir: string;
let target: FreshDatabase;
let pgDb: Db | undefined;
const servers: ServerProcess[] = [];
let a: ServerProcess;
let b: ServerProcess;
let householdId: number;
const userIds: Record<string, number> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-pg-throttles-'));
  target = await freshDatabase();
  const file = join(dir, 'county.db');
  const db = openDb({ file });
  const w = await seedTrustWorld(db, { households: 2 });
  householdId = w.households[0].id;
  const village = w.areas.villageA.id;
  for (const name of ['alone', 'alternate', 'burst']) userIds[name] = (await makeUser(db, 'village_cadre', village, { username: name })).id;
  await makeUser(db, 'clerk', village, { username: 'clerk2' });
  await closeDb(db);
  await copySqliteToPg({ from: file, to: target.url });
  const env = {
    JIFEN_DATABASE_URL: target.url,
    JIFEN_DATABASE_POOL: '8',
    JIFEN_DB: join(dir, 'x.db'),
    JIFEN_SCRYPT_N: '1024',
    JIFEN_PUBLIC_RATE_LIMIT: String(PUBLIC_LIMIT),
    // Each test speaks from its own address (X-Forwarded-For), so the per-address counters stay apart.
    JIFEN_TRUST_PROXY: '1',
  };
  [a, b] = await startServerPair(env, servers);
  pgDb = await openPgDb({ url: target.url, dataDir: join(dir, 'checks'), migrate: false, poolSize: 2 });
}, 180_000);

afterAll(async () => {
  const stops = await Promise.allSettled([...servers.map((s) => s.stop()), ...(pgDb ? [closeDb(pgDb)] : [])]);
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
  for (const s of stops) if (s.status === 'rejected') throw s.reason;
}, 60_000);

const from = (ip: string) => ({ 'x-forwarded-for': ip });

function loginAt(server: ServerProcess, ip: string, username: string, password: string): Promise<Reply> {
  return new HttpClient(server.base).request('POST', '/api/auth/login', { username, password }, from(ip));
}

/** `n` requests all in flight at once, even ones to A and odd ones to B. */
function split(n: number, send: (server: ServerProcess, i: number) => Promise<Reply>): Promise<Reply[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => send(i % 2 === 0 ? a : b, i)));
}

const statuses = (replies: Reply[]) => replies.map((r) => r.status);
const tally = (replies: Reply[]) => replies.reduce<Record<string, number>>((t, r) => ((t[`${r.status} ${r.body?.error?.code ?? 'ok'}`] = (t[`${r.status} ${r.body?.error?.code ?? 'ok'}`] ?? 0) + 1), t), {});

/**
 * A burst gets the 5 guesses a sequence gets, the rest refused before any hash. Occasionally 4: each request
 * dates its attempt when it arrives, before it waits for the account's row, so one that arrived a moment
 * before the previous writer's attempt reads that attempt's date as a lock still running (refused, Retry-After 1).
 * Never more than 5: without the row lock on PostgreSQL all 20 were admitted.
 */
function expectAtMostFiveGuesses(replies: Reply[]): number {
  const t = tally(replies);
  const guesses = t['401 bad_credentials'] ?? 0;
  expect(guesses).toBeGreaterThanOrEqual(4);
  expect(guesses).toBeLessThanOrEqual(5);
  expect(t['429 account_locked']).toBe(20 - guesses);
  return guesses;
}

async function backoffOf(userId: number) {
  return sqlOf(pgDb!).get<{ failures: number; until: number | null }>('SELECT failed_logins AS "failures", locked_until AS "until" FROM users WHERE id = ?', [userId]);
}

describe('throttles across two server processes on one PostgreSQL database', () => {
  it('wrong passwords alternated between the two processes lock the account after the same number of tries as against one', async () => {
    const one: number[] = [];
    for (let i = 0; i < 7; i++) one.push((await loginAt(a, '198.51.100.1', 'alone', 'wrong-password')).status);
    const both: Reply[] = [];
    for (let i = 0; i < 7; i++) both.push(await loginAt(i % 2 === 0 ? a : b, '198.51.100.2', 'alternate', 'wrong-password'));

    // Four free failures, the fifth locks, then every try is refused before its hash.
    expect(one).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(statuses(both)).toEqual(one);
    expect(both[5].body.error.code).toBe('account_locked');
    expect(Number(both[5].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(both[5].headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // The right password, at either process, is refused while the lock lasts.
    for (const server of [a, b]) expect((await loginAt(server, '198.51.100.2', 'alternate', PASSWORD)).body.error.code).toBe('account_locked');
    const stored = await backoffOf(userIds.alternate);
    expect(stored?.failures).toBe(5);
    expect(stored?.until).toBeGreaterThan(Date.now() + 30_000);
    const locks = await sqlOf(pgDb!).all('SELECT id FROM audit_log WHERE action = ? AND entity = ? AND entity_id = ?', ['user.lock', 'user', String(userIds.alternate)]);
    expect(locks).toHaveLength(1);
  }, 60_000);

  it('20 parallel wrong passwords split across both processes get exactly the 5 guesses one process would give', async () => {
    const replies = await split(20, (server) => loginAt(server, '198.51.100.3', 'burst', 'wrong-password'));
    const guesses = expectAtMostFiveGuesses(replies);
    // Every admitted guess was counted, none lost between the processes.
    expect((await backoffOf(userIds.burst))?.failures).toBe(guesses);
  }, 60_000);

  it('an unknown username is throttled the same way across both processes (20 in parallel: 5 guesses)', async () => {
    const replies = await split(20, (server) => loginAt(server, '198.51.100.4', 'nobody-here', 'wrong-password'));
    const guesses = expectAtMostFiveGuesses(replies);
    const row = await sqlOf(pgDb!).get<{ failures: number }>('SELECT failures AS "failures" FROM throttle WHERE key = ?', ['login-name:nobody-here']);
    expect(row?.failures).toBe(guesses);
  }, 60_000);

  it('20 parallel wrong PINs for one card split across both processes count exactly: 5 wrong, the card locked once', async () => {
    const cadre = await new HttpClient(a.base).login('cadre');
    const issued = await cadre.request('POST', `/api/households/${householdId}/cards`, { pin: '135790' });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const code = issued.body.code as string;
    const clerks = [await new HttpClient(a.base).login('clerk'), await new HttpClient(b.base).login('clerk')];

    const replies = await split(20, (_, i) => clerks[i % 2].request('POST', '/api/counter/lookup', { code, pin: '000000' }));
    const t = tally(replies);
    expect(t['422 wrong_pin']).toBe(5);
    // The rest were refused before any hash: busy being checked, or already locked.
    expect((t['429 too_many_requests'] ?? 0) + (t['423 card_locked'] ?? 0)).toBe(15);
    const card = await sqlOf(pgDb!).get<{ failed: number; locked: number | null }>('SELECT failed_attempts AS "failed", locked_at AS "locked" FROM household_cards WHERE id = ?', [issued.body.id]);
    expect(card?.failed).toBe(5);
    expect(card?.locked).not.toBeNull();
    const audits = await sqlOf(pgDb!).all<{ action: string }>('SELECT action FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id', ['card', String(issued.body.id)]);
    expect(audits.filter((r) => r.action === 'card.lock')).toHaveLength(1);
    expect(audits.filter((r) => r.action === 'card.pin_failed')).toHaveLength(4);
    // The right PIN no longer opens it, at either process.
    for (const clerk of clerks) expect((await clerk.request('POST', '/api/counter/lookup', { code, pin: '135790' })).body.error.code).toBe('card_locked');
    // The clerk's own budget counted exactly the 5 that reached a hash.
    const budget = await sqlOf(pgDb!).get<{ failures: number }>('SELECT failures AS "failures" FROM throttle WHERE key = ?', [`pin-clerk:${await clerkId('clerk')}`]);
    expect(budget?.failures).toBe(5);
  }, 60_000);

  it('40 parallel PIN guesses on unknown cards split across both processes spend exactly the clerk budget of 30', async () => {
    const clerks = [await new HttpClient(a.base).login('clerk2'), await new HttpClient(b.base).login('clerk2')];
    const replies = await split(40, (_, i) => clerks[i % 2].request('POST', '/api/counter/lookup', { code: `C1.no-such-card-${i}`, pin: '000000' }));
    const t = tally(replies);
    expect(t).toEqual({ '404 card_not_found': 30, '429 too_many_requests': 10 });
    for (const r of replies.filter((x) => x.status === 429)) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    const budget = await sqlOf(pgDb!).get<{ failures: number }>('SELECT failures AS "failures" FROM throttle WHERE key = ?', [`pin-clerk:${await clerkId('clerk2')}`]);
    expect(budget?.failures).toBe(30);
  }, 60_000);
});

async function clerkId(username: string): Promise<number> {
  const row = await sqlOf(pgDb!).get<{ id: number }>('SELECT id FROM users WHERE username = ?', [username]);
  if (!row) throw new Error(`no user ${username}`);
  return row.id;
}

describe('the public rate limit across two server processes on one PostgreSQL database', () => {
  const board = (server: ServerProcess, ip: string) => new HttpClient(server.base).request('GET', '/api/public/areas', undefined, from(ip));

  it(`${PUBLIC_LIMIT} a minute: 40 requests of one address split across both processes serve exactly ${PUBLIC_LIMIT}, the rest 429 with Retry-After`, async () => {
    // The first answer is prepared in each process, so most of the 40 take the fast path ahead of the app.
    const replies = await split(40, (server) => board(server, '203.0.113.7'));
    expect(tally(replies)).toEqual({ '200 ok': PUBLIC_LIMIT, '429 too_many_requests': 40 - PUBLIC_LIMIT });
    for (const r of replies.filter((x) => x.status === 429)) {
      const wait = Number(r.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60);
    }
    const remaining = replies.filter((r) => r.status === 200).map((r) => Number(/remaining=(\d+)/.exec(r.headers.get('ratelimit') ?? '')?.[1]));
    // Every served request got its own place in the shared window: remaining 29 … 0, each once.
    expect(remaining.sort((x, y) => x - y)).toEqual(Array.from({ length: PUBLIC_LIMIT }, (_, i) => i));
    // Another address is not held back, at either process.
    for (const server of [a, b]) expect((await board(server, '203.0.113.8')).status).toBe(200);
  }, 60_000);

  it('the shared counter stores a hash of the address, never the address itself', async () => {
    const rows = await sqlOf(pgDb!).all<{ key: string; count: number }>('SELECT key AS "key", count AS "count" FROM public_hits');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      expect(r.key).not.toContain('203.0.113');
      expect(r.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }
    // Each of the burst's 40 counted once, served or refused: the app does not count again what the fast path counted.
    expect(rows.map((r) => r.count).sort((x, y) => y - x)).toEqual([40, 2]);
  });
});
