/**
 * `npm run bench -- --engine pg`: the PostgreSQL figures (issue #15 item 8). A throwaway primary and a streaming
 * replica (tests/pg/support/cluster.ts, fsync on, as in production), a county generated on SQLite by the bench's
 * own data path (bench/data.ts, bench/prepare.ts) and moved with db:copy (copySqliteToPg), then each figure
 * beside its ceiling in the same run: redemption over HTTP through one and two server processes (pool 8 each)
 * against the raw redemption transaction through a pool of the same size, batch approval of 400 against raw
 * posting, the public board served with the replica as JIFEN_DATABASE_READ_URL against hello-world, and the
 * county dashboard (the top of the area tree) against the same figures in-process on SQLite. Every run goes to
 * bench/results-pg.json (a run with --only to results-pg-<groups>.json). --baseline DIR serves the same database
 * from another checkout too and measures its approval and board in the same runs, interleaved: a before/after
 * under the same machine load. Every cluster and server it starts is stopped, also when a figure fails.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { closeDb, openDb } from '../db/client';
import { copySqliteToPg } from '../db/copy/sqliteToPg';
import { migratePg } from '../db/pg/migrate';
import type { Ctx } from '../server/lib/context';
import { createPassToken } from '../server/modules/counter/passToken';
import { getDashboard } from '../server/modules/dashboard/getDashboard';
import { startCluster, type PgCluster } from '../tests/pg/support/cluster';
import { makeGoods, makeUser } from '../tests/support/factories';
import { ensureCounty, removeDb, root, workingCopy } from './data';
import { load, type LoadResult } from './lib/load';
import { summarize, type Summary } from './lib/stats';
import { pgRawLedgerBatchMs, pgRawPostingBatchMs, pgRawRedemptionRate } from './pgRaw';
import { prepare, type Fixture } from './prepare';

export interface PgBenchOptions {
  households: number;
  months: number;
  runs: number;
  seconds: number;
  small: boolean;
  reuseStale: boolean;
  /** Connections per server process's pool, and of the raw ceiling's pool. */
  pool: number;
  /** Only these figure groups (redemption, approval, board, dashboard); null for all. */
  only: ReadonlySet<string> | null;
  /**
   * Another checkout of this tree (say `git worktree add /tmp/before <commit>`, node_modules linked) whose
   * bench/pgServer.ts serves the same database beside this one's: its approval and board are measured in the
   * same runs, interleaved, as the before of a before/after.
   */
  baseline: string | null;
  log: (msg: string) => void;
}

/** Goods of the township store the redemptions spread over: only rows of one item serialise on its lock. */
const GOODS = 16;
const APP_ROLE = 'jifen';
const DATABASE = 'jifen_bench';

interface Figure {
  figure: string;
  unit: string;
  value: number;
  spread: [number, number];
  runs: number[];
  ceiling: string | null;
  ceilingValue: number | null;
  ceilingRuns: number[] | null;
  ratio: number | null;
  goal: string | null;
  met: boolean | null;
}

interface PgServer {
  child: ChildProcess;
  base: string;
  stop(): Promise<void>;
}

/** bench/pgServer.ts as a child process (its own event loop and pool, as a second app server would be). */
function startPgServer(env: NodeJS.ProcessEnv, cwd = root): Promise<PgServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/pgServer.ts'], {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, JIFEN_NO_WEB: '1', JIFEN_TRUST_PROXY: '1', JIFEN_PUBLIC_RATE_LIMIT: String(1e9), ...env },
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench/pgServer.ts exited early (${code})`)));
    child.once('message', (m) => resolve({ child, base: `http://127.0.0.1:${(m as { port: number }).port}`, stop }));
  });
}

async function loginCookie(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

function redemptionLoad(base: string, fx: Fixture, goodsIds: number[], cookie: string, connections: number, seconds: number, offset: number): Promise<LoadResult> {
  const run = randomBytes(4).toString('hex');
  let n = offset;
  return load({
    url: `${base}/api/redemptions`,
    method: 'POST',
    connections,
    seconds,
    headers: { cookie, 'content-type': 'application/json' },
    setupRequest: (req) => {
      const householdId = fx.buyers[n % fx.buyers.length]!;
      const goodsId = goodsIds[n % goodsIds.length]!;
      const { token } = createPassToken(fx.passSecret, householdId, Date.now() + 3_600_000);
      n++;
      return { ...req, headers: { ...req.headers, 'idempotency-key': `pgbench-${run}-${n}` }, body: JSON.stringify({ code: token, items: [{ goodsId, quantity: 1 }] }) };
    },
  });
}

/** Two servers under load at once (half the connections each): the sum of their rates, the worse of their latencies. */
async function twoServerLoad(a: string, b: string, fx: Fixture, goodsIds: number[], cookie: string, connections: number, seconds: number): Promise<LoadResult> {
  const [x, y] = await Promise.all([
    redemptionLoad(a, fx, goodsIds, cookie, connections / 2, seconds, 0),
    redemptionLoad(b, fx, goodsIds, cookie, connections / 2, seconds, fx.buyers.length >> 1),
  ]);
  return { rps: x.rps + y.rps, p50: Math.max(x.p50, y.p50), p99: Math.max(x.p99, y.p99), ok: x.ok + y.ok, failed: x.failed + y.failed };
}

async function adminQuery<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

export async function runPgBench(opts: PgBenchOptions): Promise<void> {
  const started = Date.now();
  const { log } = opts;
  const RUNS = opts.runs;
  const SECONDS = opts.seconds;
  const figures: Figure[] = [];
  const add = (figure: string, unit: string, s: Summary, o: { ceiling?: string; c?: Summary; goal?: string; met?: (v: number, r: number | null) => boolean } = {}) => {
    const ratio = o.c ? s.median / o.c.median : null;
    figures.push({
      figure, unit, value: s.median, spread: [s.min, s.max], runs: s.runs, ceiling: o.ceiling ?? null, ceilingValue: o.c?.median ?? null, ceilingRuns: o.c?.runs ?? null,
      ratio, goal: o.goal ?? null, met: o.met ? o.met(s.median, ratio) : null,
    });
  };
  const loadAtStart = loadavg().map((x) => Number(x.toFixed(2)));

  const county = ensureCounty({ households: opts.households, months: opts.months, small: opts.small, reuseStale: opts.reuseStale });
  log(`county ${county.file} (${county.generator}, ${county.ledgerRows.toLocaleString('en')} ledger rows, ${county.sizeMb.toFixed(0)} MB)`);
  const work = workingCopy(county.file);
  const wants = (group: string) => !opts.only || opts.only.has(group);
  const base = opts.baseline;
  const fx = await prepare(work, { approvalRuns: base ? RUNS * 2 : RUNS, buyers: 3000 });
  // More goods in the township store, and the county's administrator for the dashboard: added on SQLite before
  // the copy, as everything else the figures need.
  const countyId = Number(fx.townshipPath.split('/').filter(Boolean)[0]);
  const sdb = openDb({ file: work, migrate: false });
  const goodsIds = [fx.goodsId];
  for (let i = 1; i < GOODS; i++) goodsIds.push(makeGoods(sdb, fx.townshipId, { name: `基准测试商品${i}`, price: 1, stock: 10_000_000 }).id);
  const countyAdmin = await makeUser(sdb, 'county_admin', countyId, { username: 'bench-county' });
  const households = (sdb.$client.prepare(`SELECT COUNT(*) AS n FROM households`).get() as { n: number }).n;
  sdb.$client.pragma('wal_checkpoint(TRUNCATE)');
  await closeDb(sdb);

  const dataDir = mkdtempSync(join(tmpdir(), 'jifen-pgbench-'));
  // A crash skips the finally below; the clusters have their own exit hook (tests/pg/support/cluster.ts).
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  let primary: PgCluster | undefined;
  let replica: PgCluster | undefined;
  const servers: PgServer[] = [];
  const notes: string[] = [];
  let pgInfo: Record<string, string> = {};
  try {
    primary = await startCluster();
    const adminUrl = primary.url();
    await primary.psql(`CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER`);
    await primary.psql(`CREATE DATABASE ${DATABASE} OWNER ${APP_ROLE} ENCODING 'UTF8' TEMPLATE template0`);
    const appUrl = primary.url(DATABASE, APP_ROLE);
    await migratePg(appUrl);
    log(`PostgreSQL primary on port ${primary.port}; copying the county (db:copy) ...`);
    const t0 = Date.now();
    const copied = await copySqliteToPg({ from: work, to: primary.url(DATABASE) });
    const copySeconds = (Date.now() - t0) / 1000;
    const t1 = Date.now();
    // An operator analyses after a bulk load; autovacuum would get there later.
    await primary.psql('VACUUM ANALYZE', DATABASE);
    const analyseSeconds = (Date.now() - t1) / 1000;
    const dbSize = (await adminQuery<{ mb: number }>(adminUrl.replace(/\/postgres$/, `/${DATABASE}`), 'SELECT pg_database_size(current_database()) / 1048576.0 AS mb'))[0]!.mb;
    notes.push(
      `db:copy ${copied.rows.toLocaleString('en')} rows (${households.toLocaleString('en')} households, ${county.ledgerRows.toLocaleString('en')} ledger rows) in ${copySeconds.toFixed(0)} s ` +
        `(${Math.round(copied.rows / copySeconds).toLocaleString('en')} rows/s, verify of source and target included), VACUUM ANALYZE ${analyseSeconds.toFixed(0)} s, database ${Number(dbSize).toFixed(0)} MB`,
    );
    log(notes[notes.length - 1]!);
    replica = await startCluster({ primary });
    const readUrl = replica.url(DATABASE, APP_ROLE);
    log(`streaming replica on port ${replica.port}`);
    const settings = await adminQuery<{ name: string; setting: string; unit: string | null }>(
      adminUrl,
      `SELECT name, setting, unit FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'effective_cache_size', 'work_mem', 'max_connections', 'fsync', 'synchronous_commit', 'synchronous_standby_names', 'wal_level', 'max_wal_size', 'checkpoint_timeout', 'random_page_cost', 'jit') ORDER BY name`,
    );
    pgInfo = Object.fromEntries(settings.map((s) => [s.name, s.unit ? `${s.setting} ${s.unit}` : s.setting]));

    const ids = (await adminQuery<{ clerk: number; reviewer: number }>(
      appUrl,
      'SELECT (SELECT id FROM users WHERE username = $1) AS clerk, (SELECT id FROM users WHERE username = $2) AS reviewer',
      [fx.users.clerk, fx.users.reviewer],
    ))[0]!;

    const serverEnv = { JIFEN_DATABASE_URL: appUrl, JIFEN_DATABASE_READ_URL: readUrl, JIFEN_DATABASE_POOL: String(opts.pool), JIFEN_BENCH_DATA_DIR: dataDir };
    servers.push(await startPgServer(serverEnv), await startPgServer(serverEnv));
    const [a, b] = servers as [PgServer, PgServer];
    const before = base ? await startPgServer(serverEnv, base) : null;
    if (before) servers.push(before);
    const clerk = await loginCookie(a.base, fx.users.clerk, fx.password);
    const reviewer = await loginCookie(a.base, fx.users.reviewer, fx.password);
    const admin = await loginCookie(a.base, countyAdmin.username, fx.password);
    const reviewerBefore = before ? await loginCookie(before.base, fx.users.reviewer, fx.password) : null;
    if (wants('redemption')) await Promise.all([redemptionLoad(a.base, fx, goodsIds, clerk, 8, 2, 0), redemptionLoad(b.base, fx, goodsIds, clerk, 8, 2, 0)]);

    // Each run measures the ceilings right beside the HTTP figures: on a shared machine the load moves within minutes.
    const rawRedeem: number[] = [];
    const rawRedeem2: number[] = [];
    const rawNoBump: number[] = [];
    const one: LoadResult[] = [];
    const two: LoadResult[] = [];
    const rawOpts = { url: appUrl, seconds: Math.min(5, SECONDS), clerkId: ids.clerk, goodsIds, buyers: fx.buyers };
    for (let r = 0; r < RUNS && wants('redemption'); r++) {
      rawRedeem.push(await pgRawRedemptionRate({ ...rawOpts, connections: opts.pool }));
      one.push(await redemptionLoad(a.base, fx, goodsIds, clerk, 50, SECONDS, 0));
      two.push(await twoServerLoad(a.base, b.base, fx, goodsIds, clerk, 50, SECONDS));
      rawRedeem2.push(await pgRawRedemptionRate({ ...rawOpts, connections: opts.pool * 2 }));
      rawNoBump.push(await pgRawRedemptionRate({ ...rawOpts, connections: opts.pool, bumpVersion: false }));
    }
    if (wants('redemption')) log(`raw redemption tx/s, pool ${opts.pool}: ${rawRedeem.map((x) => x.toFixed(0)).join(', ')}; pool ${opts.pool * 2}: ${rawRedeem2.map((x) => x.toFixed(0)).join(', ')}; without the data version bump: ${rawNoBump.map((x) => x.toFixed(0)).join(', ')}`);
    if (wants('redemption')) log(`redemption HTTP req/s one process ${one.map((x) => x.rps.toFixed(0)).join(', ')}; two ${two.map((x) => x.rps.toFixed(0)).join(', ')}`);
    const rawBatch: number[] = [];
    const rawPosting: number[] = [];
    const approveMs: number[] = [];
    const approveBeforeMs: number[] = [];
    const approve = async (server: PgServer, cookie: string, idsOf: number[], into: number[]) => {
      const t = performance.now();
      const res = await fetch(`${server.base}/api/awards/approve`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ ids: idsOf }) });
      const body = (await res.json()) as { items?: { status: string }[] };
      into.push(performance.now() - t);
      if (res.status !== 200 || body.items?.some((i) => i.status !== 'posted')) throw new Error(`approval failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    };
    // The raw ledger ceiling wrote ledger rows for the pending batches without posting them; approval posts the awards.
    // With a baseline, each run approves one batch through each tree, alternately.
    for (let r = 0; r < RUNS && wants('approval'); r++) {
      rawBatch.push(await pgRawLedgerBatchMs(appUrl, fx.pendingBatches[r]!));
      rawPosting.push(await pgRawPostingBatchMs(appUrl, fx.twinBatches[r]!, ids.reviewer));
      if (before) await approve(before, reviewerBefore!, fx.pendingBatches[RUNS + r]!, approveBeforeMs);
      await approve(a, reviewer, fx.pendingBatches[r]!, approveMs);
    }
    if (wants('approval')) log(`raw 400 ledger rows ms ${rawBatch.map((x) => x.toFixed(1)).join(', ')}; raw posting of 400 ms ${rawPosting.map((x) => x.toFixed(1)).join(', ')}`);
    const failedRedemptions = [...one, ...two].reduce((s, x) => s + x.failed, 0);
    if (failedRedemptions) notes.push(`${failedRedemptions} redemption requests failed (see the warnings above)`);

    if (wants('approval')) log(`approve 400 ms ${approveMs.map((x) => x.toFixed(1)).join(', ')}${before ? `; baseline ${approveBeforeMs.map((x) => x.toFixed(1)).join(', ')}` : ''}`);

    const boardUrl = `${a.base}/api/public/areas/${fx.townshipId}/leaderboard?period=${fx.period}`;
    const probe = await fetch(boardUrl);
    const probeBody = (await probe.json()) as { items?: unknown[] };
    if (probe.status !== 200 || !probeBody.items?.length) throw new Error(`leaderboard probe: ${probe.status} ${JSON.stringify(probeBody).slice(0, 200)}`);
    const replicaXacts = async () => Number((await adminQuery<{ n: number }>(replica!.url(DATABASE), 'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()'))[0]!.n);
    const CLIENTS = 8192;
    const board: LoadResult[] = [];
    const boardBefore: LoadResult[] = [];
    const hello: LoadResult[] = [];
    let replicaServed = 0;
    let replicaServedBefore = 0;
    const boardLoad = async (server: PgServer, into: LoadResult[]) => {
      const x0 = await replicaXacts();
      into.push(await load({ url: boardUrl.replace(a.base, server.base), connections: 50, seconds: SECONDS, clients: CLIENTS, headers: { 'accept-encoding': 'gzip, deflate, br' } }));
      return (await replicaXacts()) - x0;
    };
    if (wants('board')) {
      await load({ url: `${a.base}/bench/hello`, connections: 50, seconds: 2, clients: CLIENTS });
      for (let r = 0; r < RUNS; r++) {
        hello.push(await load({ url: `${a.base}/bench/hello`, connections: 50, seconds: SECONDS, clients: CLIENTS }));
        if (before) replicaServedBefore += await boardLoad(before, boardBefore);
        replicaServed += await boardLoad(a, board);
      }
      notes.push(`replica transactions during the board runs: ${replicaServed} for ${board.reduce((n, x) => n + x.ok, 0)} board answers (the data version is read at most once a second per process: db/boards/dataVersion.ts)`);
      if (before) notes.push(`baseline (${base}): replica transactions during its board runs: ${replicaServedBefore} for ${boardBefore.reduce((n, x) => n + x.ok, 0)} board answers`);
      log(`board req/s ${board.map((x) => x.rps.toFixed(0)).join(', ')}${before ? `; baseline ${boardBefore.map((x) => x.rps.toFixed(0)).join(', ')}` : ''} vs hello ${hello.map((x) => x.rps.toFixed(0)).join(', ')}`);
    }

    // The dashboard of the top area: every figure aggregated over the whole county's ledger, one request at a time.
    const dashUrl = `${a.base}/api/dashboard?areaId=${countyId}&period=${fx.period}`;
    const dashMs: number[] = [];
    for (let r = 0; r < RUNS && wants('dashboard'); r++) {
      const t = performance.now();
      const res = await fetch(dashUrl, { headers: { cookie: admin } });
      await res.text();
      if (res.status !== 200) throw new Error(`dashboard: ${res.status}`);
      dashMs.push(performance.now() - t);
    }
    if (wants('dashboard')) log(`county dashboard over HTTP ms ${dashMs.map((x) => x.toFixed(0)).join(', ')}`);
    for (const s of servers.splice(0)) await s.stop();

    // The same dashboard in-process on the SQLite copy of the county (which the bench wrote nothing to since).
    const lite = openDb({ file: work, migrate: false });
    const actor = { userId: countyAdmin.id, username: countyAdmin.username, role: 'county_admin' as const, areaId: countyId, areaPath: `/${countyId}/`, areaKind: 'county' as const, householdId: null, sessionHash: 'bench' };
    const ctx: Ctx = { db: lite, actor, now: new Date(), device: { ip: null, userAgent: 'bench' }, config: { passSecret: fx.passSecret, scryptN: 1024, passTtlSeconds: 60, sessionTtlSeconds: 3600, cookieSecure: false } };
    const liteMs: number[] = [];
    for (let r = 0; r < RUNS && wants('dashboard'); r++) {
      const t = performance.now();
      await getDashboard(ctx, { areaId: countyId, period: fx.period, lowStock: 5 });
      liteMs.push(performance.now() - t);
    }
    await closeDb(lite);
    if (wants('dashboard')) log(`county dashboard in-process on SQLite ms ${liteMs.map((x) => x.toFixed(0)).join(', ')}`);

    const s = (xs: number[]) => summarize(xs);
    const raw = s(rawRedeem);
    if (wants('redemption')) {
      add(`redemption over HTTP, one server process (pool ${opts.pool}), 50 connections`, 'req/s', s(one.map((x) => x.rps)), { ceiling: `raw redemption tx, pool ${opts.pool}, tx/s`, c: raw });
      add('redemption, one process, p99', 'ms', s(one.map((x) => x.p99)));
      add(`redemption over HTTP, two server processes (pool ${opts.pool} each), 50 connections`, 'req/s', s(two.map((x) => x.rps)), { ceiling: `raw redemption tx, pool ${opts.pool}, tx/s`, c: raw, goal: '≥ 50% of raw', met: (_v, r) => r! >= 0.5 });
      add(`redemption over HTTP, two server processes, against raw at pool ${opts.pool * 2}`, 'req/s', s(two.map((x) => x.rps)), { ceiling: `raw redemption tx, pool ${opts.pool * 2}, tx/s`, c: s(rawRedeem2) });
      add('redemption, two processes, p50', 'ms', s(two.map((x) => x.p50)));
      add('redemption, two processes, p99', 'ms', s(two.map((x) => x.p99)));
      add(`raw redemption tx, pool ${opts.pool}, without the data version bump`, 'tx/s', s(rawNoBump), { ceiling: `raw redemption tx, pool ${opts.pool} (with it), tx/s`, c: raw });
    }
    if (wants('approval')) {
      add('approve a batch of 400 awards (HTTP)', 'ms', s(approveMs), { ceiling: 'raw insert of the 400 ledger rows, one tx, ms', c: s(rawBatch), goal: '≤ 2× raw', met: (_v, r) => r! <= 2 });
      add('approve a batch of 400 awards (HTTP), against raw posting', 'ms', s(approveMs), { ceiling: 'everything approval writes as raw SQL, one tx, ms', c: s(rawPosting) });
      if (before) {
        add('BEFORE (baseline tree): approve a batch of 400 awards (HTTP)', 'ms', s(approveBeforeMs), { ceiling: 'raw insert of the 400 ledger rows, one tx, ms', c: s(rawBatch) });
        add('after ÷ before: approve 400', 'ms', s(approveMs), { ceiling: 'the baseline tree, same runs, ms', c: s(approveBeforeMs) });
      }
    }
    if (wants('board')) {
      add('public leaderboard (township, year), replica as read URL, 50 connections', 'req/s', s(board.map((x) => x.rps)), { ceiling: 'Hono hello-world JSON, same server, req/s', c: s(hello.map((x) => x.rps)), goal: '≥ 50% of hello', met: (_v, r) => r! >= 0.5 });
      add('public leaderboard, p99', 'ms', s(board.map((x) => x.p99)));
      if (before) {
        add('BEFORE (baseline tree): public leaderboard, replica as read URL, 50 connections', 'req/s', s(boardBefore.map((x) => x.rps)), { ceiling: 'Hono hello-world JSON, same runs, req/s', c: s(hello.map((x) => x.rps)) });
        add('after ÷ before: public leaderboard', 'req/s', s(board.map((x) => x.rps)), { ceiling: 'the baseline tree, same runs, req/s', c: s(boardBefore.map((x) => x.rps)) });
      }
    }
    if (wants('dashboard')) {
      add(`county dashboard (${households.toLocaleString('en')} households, year), HTTP`, 'ms', s(dashMs), { ceiling: 'the same getDashboard in-process on the SQLite file, ms', c: s(liteMs) });
    }
  } finally {
    for (const srv of servers) await srv.stop().catch(() => undefined);
    await replica?.stop().catch((e: unknown) => console.error('[bench] replica stop:', e));
    await primary?.stop().catch((e: unknown) => console.error('[bench] primary stop:', e));
    rmSync(dataDir, { recursive: true, force: true });
    removeDb(work);
  }
  report();

  function report() {
    const fmt = (v: number | null) => (v == null ? '' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
    const rows = figures.map((f) => [
      f.figure,
      `${fmt(f.value)} ${f.unit}`,
      f.runs.length > 1 ? `${fmt(f.spread[0])}–${fmt(f.spread[1])}` : '',
      f.ceiling ? `${fmt(f.ceilingValue)} (${f.ceiling})` : '',
      f.ratio == null ? '' : `${(f.ratio * 100).toFixed(0)}%`,
      f.goal ? `${f.goal} ${f.met ? '✓' : '✗'}` : '',
    ]);
    const header = ['figure', 'median', 'spread', 'ceiling (same run)', 'ratio', 'goal'];
    const table = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
    const machine = { nproc: Number(execSync('nproc').toString().trim()), cpu: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version, postgres: pgInfo };
    const loadAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
    const totalSeconds = (Date.now() - started) / 1000;
    console.log(`\n${table}\n`);
    console.log(`county: ${county.ledgerRows.toLocaleString('en')} ledger rows, ${opts.households} households × ${opts.months} months (${county.generator}); generation ${county.generatedSeconds == null ? 'cached' : `${county.generatedSeconds.toFixed(0)} s`}; runs ${RUNS} × ${SECONDS} s; total ${totalSeconds.toFixed(0)} s`);
    for (const n of notes) console.log(`note: ${n}`);
    console.log(`machine: ${machine.nproc} cores, ${machine.cpu}, ${machine.memoryGb} GB, node ${machine.node}`);
    console.log(`PostgreSQL: ${Object.entries(pgInfo).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    console.log(`load average at the start: ${loadAtStart.join(', ')}; at the end: ${loadAtEnd.join(', ')}`);
    writeFileSync(
      // A partial run (--only) keeps its own file, so the full run's figures stay in results-pg.json.
      join(root, 'bench', opts.only ? `results-pg-${[...opts.only].sort().join('-')}.json` : 'results-pg.json'),
      `${JSON.stringify({ at: new Date().toISOString(), engine: 'pg', baseline: opts.baseline, machine, loadAverage: { start: loadAtStart, end: loadAtEnd }, county: { ...county, file: county.file.slice(root.length + 1) }, runs: RUNS, secondsPerLoad: SECONDS, pool: opts.pool, totalSeconds, figures, notes, table }, null, 2)}\n`,
    );
  }
}
