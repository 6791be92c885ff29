/**
 * The app over a primary and a synchronous streaming replica (JIFEN_DATABASE_URL = primary, JIFEN_DATABASE_READ_URL =
 * replica), each its own cluster with fsync on. A village seeded on SQLite with the factories is moved in by db:copy.
 * Shown over HTTP: public pages (leaderboard, published board, public ledger), the dashboard and the Excel exports are
 * read on the replica — with its replay paused they keep the old answer while the staff's household page, read on the
 * primary, already has the new one; writes (an award, a redemption, a publication) go to the primary; the replica
 * trails by a measured lag. Then the primary is stopped (immediate) after N acknowledged redemptions, the replica promoted, the
 * server restarted on it: every acknowledged redemption is there and the database verifies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_VERSION_READ_INTERVAL_MS } from '../../db/boards/dataVersion';
import { closeDb, openDb, openPgDb } from '../../db/client';
import { copySqliteToPg } from '../../db/copy/sqliteToPg';
import { migratePg } from '../../db/pg/migrate';
import { verifyDatabase } from '../../db/verify';
import { readXlsx } from '../excel/sheets';
import { grantPoints } from '../support/factories';
import { startServer, type ServerProcess } from '../support/server-process';
import { HttpClient, seedTrustWorld } from '../trust/support';
import { startCluster, type PgCluster } from './support/cluster';

const ACKED_BEFORE_STOP = 30;
const WRITERS = 6;
const LAG_SAMPLES = 20;

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const appUrl = (c: PgCluster) => c.url('jifen', 'jifen');

let dir: string;
let primary: PgCluster;
let replica: PgCluster;
let server: ServerProcess | undefined;
let world: Awaited<ReturnType<typeof seedTrustWorld>>;
let as: { cadre: HttpClient; reviewer: HttpClient; clerk: HttpClient; admin: HttpClient; anonymous: HttpClient };
const month = today().slice(0, 7);
const year = today().slice(0, 4);
const measured: Record<string, unknown> = {};

async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, query_timeout: 20_000, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

function serverEnv(url: string, readUrl: string | null): Record<string, string> {
  return {
    JIFEN_DATABASE_URL: url,
    ...(readUrl ? { JIFEN_DATABASE_READ_URL: readUrl } : {}),
    JIFEN_DATABASE_POOL: '6',
    JIFEN_DB: join(dir, 'data', 'jifen.db'),
    JIFEN_PUBLIC_RATE_LIMIT: '100000',
  };
}

async function signIn(base: string) {
  return {
    cadre: await new HttpClient(base).login('cadre'),
    reviewer: await new HttpClient(base).login('reviewer'),
    clerk: await new HttpClient(base).login('clerk'),
    admin: await new HttpClient(base).login('admin'),
    anonymous: new HttpClient(base),
  };
}

const village = () => world.areas.villageA.id;
const township = () => world.areas.townA.id;

async function ok(r: Promise<{ status: number; body: unknown }> | { status: number; body: unknown }, status = 200) {
  const reply = await r;
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  return reply.body as Record<string, unknown>;
}

async function passFor(householdId: number): Promise<string> {
  return (await ok(as.cadre.request('POST', `/api/households/${householdId}/assisted-pass`, { reason: '老人不会用手机' }), 201)).code as string;
}

async function redeem(householdId: number, key: string): Promise<{ status: number; id?: number; body: unknown }> {
  const body = { code: await passFor(householdId), items: [{ goodsId: world.goods.id, quantity: 1 }] };
  const r = await as.clerk.request('POST', '/api/redemptions', body, { 'idempotency-key': key });
  return { status: r.status, id: r.status === 201 ? (r.body.id as number) : undefined, body };
}

/** Proposes and approves an award (the county's notice is 0 days, so approval posts it). */
async function award(householdId: number, quantity: number): Promise<number> {
  const proposed = await ok(as.cadre.request('POST', '/api/awards', { householdId, ruleId: world.rule.id, quantity, occurredOn: today(), note: '副本测试' }), 201);
  await ok(as.reviewer.request('POST', `/api/awards/${proposed.id as number}/approve`));
  return proposed.id as number;
}

const publicLeaderboard = () => ok(as.anonymous.request('GET', `/api/public/areas/${township()}/leaderboard?period=${year}`));
const publicRed = () => ok(as.anonymous.request('GET', `/api/public/areas/${village()}/published/red?period=${month}`));
const publicLedgerSize = async () => (await ok(as.anonymous.request('GET', `/api/public/villages/${village()}/ledger?from=1&to=1`))).treeSize as number;
const staffBalance = async (householdId: number) => (await ok(as.cadre.request('GET', `/api/households/${householdId}`))).balance as number;

/** The title line of the ledger export ("… 积分流水 2026（共 N 笔）"), read from the workbook the county admin downloads. */
async function ledgerExportTitle(): Promise<string> {
  const res = await fetch(`${as.admin.base}/api/exports/ledger.xlsx?areaId=${village()}&period=${year}`, { headers: { cookie: as.admin.cookie } });
  expect(res.status).toBe(200);
  return (await readXlsx(Buffer.from(await res.arrayBuffer())))[0][0];
}

async function publishRed(): Promise<number> {
  const pub = await ok(as.cadre.request('POST', '/api/boards/publications', { kind: 'red', areaId: village(), period: month }), 201);
  await ok(as.reviewer.request('POST', `/api/boards/publications/${pub.id as number}/approve`));
  return pub.id as number;
}

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await sleep(10);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-pg-replica-app-'));
  const t0 = Date.now();
  primary = await startCluster();
  await primary.psql('CREATE ROLE jifen LOGIN CREATEDB');
  await primary.psql('CREATE DATABASE jifen OWNER jifen');
  await migratePg(appUrl(primary));
  replica = await startCluster({ primary, syncStandby: true });
  measured.clustersMs = Date.now() - t0;

  const file = join(dir, 'county.db');
  const db = openDb({ file });
  world = await seedTrustWorld(db, { households: 6, stock: 100_000, price: 1 });
  // Distinct conduct scores this month, so the boards have an order; enough balance for every redemption below.
  world.households.forEach((h, i) => grantPoints(db, h.id, village(), 200 + 10 * i, today()));
  await closeDb(db);
  await copySqliteToPg({ from: file, to: appUrl(primary) });

  server = await startServer({ env: serverEnv(appUrl(primary), appUrl(replica)) });
  as = await signIn(server.base);
  await publishRed();
}, 240_000);

afterAll(async () => {
  const stops = await Promise.allSettled([server?.stop(), replica?.stop('fast'), primary?.stop('immediate')]);
  rmSync(dir, { recursive: true, force: true });
  console.log(`[pg replica-app] ${JSON.stringify(measured)}`);
  for (const s of stops) if (s.status === 'rejected') throw s.reason;
}, 60_000);

describe('the app with a synchronous streaming replica as its read URL', () => {
  it('serves the public leaderboard, published board, public ledger, dashboard and ledger export from the replica: with replay paused, acknowledged writes on the primary show only on primary reads until it resumes', async () => {
    // Caught up first: every earlier write is on the replica's boards.
    const poorest = world.households[0].id;
    const boardBefore = await publicLeaderboard();
    const redBefore = await publicRed();
    const ledgerBefore = await publicLedgerSize();
    const dashboardPath = `/api/dashboard?areaId=${village()}&period=${year}`;
    const dashBefore = ((await ok(as.admin.request('GET', dashboardPath))).totals as { awarded: number; redeemed: number });
    const balanceBefore = await staffBalance(poorest);
    const exportBefore = await ledgerExportTitle();

    await replica.psql('SELECT pg_wal_replay_pause()');
    await until('replay paused', () => replica.psql('SELECT pg_get_wal_replay_pause_state()'), (s) => s === 'paused');
    let resumed = false;
    try {
      // Writes go to the primary and are acknowledged (synchronous commit waits for the replica's disk, not its replay).
      await award(poorest, 20);
      const redemption = await redeem(poorest, 'replica-paused-redeem');
      expect(redemption.status).toBe(201);
      const republished = await publishRed();
      // The primary has them: the staff's household page (read on the primary) shows the new balance at once.
      expect(await staffBalance(poorest)).toBe(balanceBefore + 100 - 1);
      const [onPrimary] = await query<{ n: number }>(appUrl(primary), 'SELECT COUNT(*)::int AS n FROM ledger_entries WHERE village_id = $1', [village()]);
      expect(onPrimary.n).toBe(ledgerBefore + 2);
      const [onReplica] = await query<{ n: number }>(appUrl(replica), 'SELECT COUNT(*)::int AS n FROM ledger_entries WHERE village_id = $1', [village()]);
      expect(onReplica.n).toBe(ledgerBefore);

      // The public pages and the dashboard still answer what the paused replica holds.
      expect(await publicLeaderboard()).toEqual(boardBefore);
      expect(await publicRed()).toEqual(redBefore);
      expect(await publicLedgerSize()).toBe(ledgerBefore);
      expect(((await ok(as.admin.request('GET', dashboardPath))).totals as { awarded: number })).toMatchObject(dashBefore);
      expect(await ledgerExportTitle()).toBe(exportBefore);

      const t = Date.now();
      await replica.psql('SELECT pg_wal_replay_resume()');
      resumed = true;
      // Resumed: the same pages catch up (the cached answers are dropped once the process reads the replica's moved
      // data version, at most PG_VERSION_READ_INTERVAL_MS after the replay: db/boards/dataVersion.ts).
      await until('public ledger after resume', publicLedgerSize, (n) => n === ledgerBefore + 2);
      measured.visibleAfterResumeMs = Date.now() - t;
      const board = await until('leaderboard after resume', publicLeaderboard, (b) => !isDeepStrictEqual(b, boardBefore), PG_VERSION_READ_INTERVAL_MS + 2000);
      expect(board).not.toEqual(boardBefore);
      const red = await until('red board after resume', publicRed, (r) => (r.publication as { id: number }).id === republished, PG_VERSION_READ_INTERVAL_MS + 2000);
      expect((red.publication as { id: number }).id).toBe(republished);
      expect((red.versions as unknown[]).length).toBe((redBefore.versions as unknown[]).length + 1);
      const dash = (await ok(as.admin.request('GET', dashboardPath))).totals as { awarded: number; redeemed: number };
      expect(dash.awarded).toBe(dashBefore.awarded + 100);
      expect(dash.redeemed).toBe(dashBefore.redeemed + 1);
      const count = (title: string) => Number(/共 (\d+) 笔/.exec(title)?.[1]);
      expect(count(await ledgerExportTitle())).toBe(count(exportBefore) + 2);
    } finally {
      if (!resumed) await replica.psql('SELECT pg_wal_replay_resume()');
    }
  }, 120_000);

  it('public reads scan the ledger tables on the replica, never on the primary (table statistics of each cluster)', async () => {
    // What reads the public ledger page touches; the primary only counts the visitor (the shared public rate limit is a write).
    const scans = async (c: PgCluster) =>
      Number(await c.psql(`SELECT COALESCE(SUM(COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0)), 0) FROM pg_stat_user_tables WHERE relname IN ('ledger_entries', 'ledger_chains')`, 'jifen'));
    const commits = async (c: PgCluster) => Number(await c.psql(`SELECT xact_commit FROM pg_stat_database WHERE datname = 'jifen'`));
    const stats = async () => ({ primaryScans: await scans(primary), replicaScans: await scans(replica), primaryCommits: await commits(primary), replicaCommits: await commits(replica) });
    // An idle pooled backend publishes its counts within ~10 s (PGSTAT_IDLE_INTERVAL): let earlier work settle.
    await sleep(11_000);
    const before = await stats();
    const READS = 200;
    for (let i = 0; i < READS; i++) await ok(as.anonymous.request('GET', `/api/public/villages/${village()}/ledger?from=1&to=${1 + (i % 5)}`));
    await sleep(11_000);
    const after = await stats();
    const delta = {
      primaryScans: after.primaryScans - before.primaryScans,
      replicaScans: after.replicaScans - before.replicaScans,
      primaryCommits: after.primaryCommits - before.primaryCommits,
      replicaCommits: after.replicaCommits - before.replicaCommits,
    };
    measured.duringPublicReads = delta;
    expect(delta.replicaScans).toBeGreaterThanOrEqual(READS * 2);
    expect(delta.replicaCommits).toBeGreaterThanOrEqual(READS * 2);
    // The scheduler may look at the ledger once or twice meanwhile; the pages never do.
    expect(delta.primaryScans).toBeLessThan(10);
  }, 60_000);

  it(`trails the primary by a bounded lag: ${LAG_SAMPLES} acknowledged redemptions each show on the public ledger within 2 s`, async () => {
    const lags: number[] = [];
    const household = world.households[1].id;
    for (let i = 0; i < LAG_SAMPLES; i++) {
      const size = await publicLedgerSize();
      const code = await passFor(household);
      const r = await as.clerk.request('POST', '/api/redemptions', { code, items: [{ goodsId: world.goods.id, quantity: 1 }] }, { 'idempotency-key': `replica-lag-${i}` });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      const acked = Date.now();
      await until('redemption on the public ledger', publicLedgerSize, (n) => n >= size + 1, 10_000);
      lags.push(Date.now() - acked);
    }
    lags.sort((a, b) => a - b);
    const [row] = await query<{ replay: number | null }>(primary.url(), `SELECT EXTRACT(EPOCH FROM replay_lag) * 1000 AS replay FROM pg_stat_replication`);
    measured.publicLagMs = { median: lags[Math.floor(lags.length / 2)], max: lags[lags.length - 1], replayLagMsOnPrimary: Number(row?.replay ?? 0) };
    // Seen by an HTTP poll every 10 ms over a loaded shared machine: the bound includes the poll itself.
    expect(lags[lags.length - 1]).toBeLessThan(2000);
  }, 120_000);

  it(`loses nothing acknowledged when the primary stops (immediate) after ${ACKED_BEFORE_STOP} acknowledged redemptions and the replica is promoted; the server comes back on it and the database verifies`, async () => {
    const acked = new Map<string, number>(); // idempotency key → redemption id the server answered
    const sent = new Map<string, unknown>(); // idempotency key → the body sent with it
    let stopped = false;
    let stopping: Promise<void> | undefined;
    const failuresBeforeStop: string[] = [];
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; !stopped; i++) {
          const key = `failover-${w}-${i}`;
          const household = world.households[2 + (w % 4)].id;
          let r: { status: number; id?: number; body: unknown };
          try {
            r = await redeem(household, key);
          } catch (err) {
            if (!stopped) failuresBeforeStop.push((err as Error).message);
            return;
          }
          if (r.status === 201 && r.id !== undefined) {
            acked.set(key, r.id);
            sent.set(key, r.body);
          }
          else if (!stopped) failuresBeforeStop.push(`${key}: ${r.status}`);
          if (stopped) return;
          if (acked.size >= ACKED_BEFORE_STOP && !stopping) {
            stopped = true;
            stopping = primary.stop('immediate');
          }
        }
      }),
    );
    await stopping;
    expect(failuresBeforeStop).toEqual([]);
    expect(acked.size).toBeGreaterThanOrEqual(ACKED_BEFORE_STOP);
    measured.acknowledgedAtStop = acked.size;
    await server!.stop();
    server = undefined;

    const t = Date.now();
    await replica.promote();
    measured.promoteMs = Date.now() - t;
    const url = appUrl(replica);
    expect(await query(url, 'SELECT pg_is_in_recovery() AS r')).toEqual([{ r: false }]);

    const ids = [...acked.values()];
    const found = await query<{ id: number }>(url, 'SELECT id::int AS id FROM redemptions WHERE id = ANY($1::int[])', [ids]);
    expect(found.map((r) => r.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    const charged = await query<{ n: number }>(url, `SELECT COUNT(DISTINCT redemption_id)::int AS n FROM ledger_entries WHERE kind = 'redemption' AND redemption_id = ANY($1::int[])`, [ids]);
    expect(charged).toEqual([{ n: ids.length }]);

    const t1 = Date.now();
    server = await startServer({ env: serverEnv(url, null) });
    measured.restartOnNewPrimaryMs = Date.now() - t1;
    as = await signIn(server.base);
    // A receipt the old primary answered is served by the new one; a retried key replays it instead of charging again.
    const [someKey, someId] = [...acked][0];
    expect((await ok(as.clerk.request('GET', `/api/redemptions/${someId}`))).id).toBe(someId);
    const replay = await as.clerk.request('POST', '/api/redemptions', sent.get(someKey), { 'idempotency-key': someKey });
    expect(replay.status, JSON.stringify(replay.body)).toBe(201);
    expect(replay.body.id).toBe(someId);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const household = world.households[2].id;
    // And it takes new writes, and its public pages answer.
    expect((await redeem(household, 'after-promotion')).status).toBe(201);
    expect(await publicLedgerSize()).toBeGreaterThan(0);

    const checker = await openPgDb({ url, dataDir: join(dir, 'verify'), migrate: false, poolSize: 2 });
    try {
      const result = await verifyDatabase(checker);
      expect(result.ok, JSON.stringify(result)).toBe(true);
    } finally {
      await closeDb(checker);
    }
  }, 180_000);
});
