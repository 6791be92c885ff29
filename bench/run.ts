/**
 * `npm run bench`: the county-scale benchmark. Each figure is measured beside its ceiling in the same
 * run (raw SQL in-process, a hello-world route on the same server), at least three times; the table
 * shows the median and the spread, bench/results.json keeps every run.
 *
 * Options: --households N --months M (default 120000 × 36), --runs R (3), --seconds S per load run (8),
 * --small (the harness's own tiny county, for debugging), --no-web, --reuse-stale (migrate an older
 * cached county forward instead of regenerating it after a schema change), --checkpoints-only (only the
 * checkpoint and proof figures, written to bench/results-checkpoints.json).
 * --engine pg runs the PostgreSQL figures instead (bench/pg.ts, bench/results-pg.json; default county
 * 20000 × 12, --pool N connections per server process, 8; --only redemption,approval,board,dashboard; --baseline DIR
 * serves the same database from another checkout of the tree too and measures its approval and board in the same runs).
 */
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../db/client';
import type { Ctx } from '../server/lib/context';
import { createPassToken } from '../server/modules/counter/passToken';
import { getHouseholdLedger } from '../server/modules/ledger/getHouseholdLedger';
import { getHouseholdRank } from '../server/modules/public/getHouseholdRank';
import { ensureCounty, removeDb, root, workingCopy } from './data';
import { load, type LoadResult } from './lib/load';
import { peakRss, startBenchServer, timeToHealth } from './lib/proc';
import { percentile, summarize, timeEach, timeEachAsync, type Summary } from './lib/stats';
import { prepare, type Fixture } from './prepare';
import { openRaw, rawLedgerBatchMs, rawPostingBatchMs, rawRedemptionRate } from './raw';
import { checkpointFigures, type CheckpointReport } from './checkpoints';
import { webWeights, type PageWeight } from './web';

const { values: args } = parseArgs({
  options: {
    households: { type: 'string' },
    months: { type: 'string' },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '8' },
    small: { type: 'boolean', default: false },
    'no-web': { type: 'boolean', default: false },
    'reuse-stale': { type: 'boolean', default: false },
    'checkpoints-only': { type: 'boolean', default: false },
    engine: { type: 'string', default: 'sqlite' },
    pool: { type: 'string', default: '8' },
    only: { type: 'string' },
    baseline: { type: 'string' },
  },
});
if (args.engine !== 'sqlite' && args.engine !== 'pg') throw new Error(`--engine must be sqlite or pg, not ${args.engine}`);
const PG = args.engine === 'pg';
// PostgreSQL loads its county through db:copy, so its default is a county that copies in minutes on a small machine.
args.households ??= PG ? '20000' : '120000';
args.months ??= PG ? '12' : '36';
const RUNS = Math.max(3, Number(args.runs));
const SECONDS = Number(args.seconds);
const benchStarted = Date.now();

interface Figure {
  figure: string;
  unit: string;
  value: number;
  spread: [number, number];
  runs: number[];
  ceiling: string | null;
  ceilingValue: number | null;
  ceilingRuns: number[] | null;
  /** value / ceiling (for times: value ÷ ceiling time, lower is better). */
  ratio: number | null;
  goal: string | null;
  met: boolean | null;
}
const figures: Figure[] = [];

function add(figure: string, unit: string, s: Summary, opts: { ceiling?: string; c?: Summary; goal?: string; met?: (value: number, ratio: number | null) => boolean } = {}) {
  const ratio = opts.c ? s.median / opts.c.median : null;
  figures.push({
    figure,
    unit,
    value: s.median,
    spread: [s.min, s.max],
    runs: s.runs,
    ceiling: opts.ceiling ?? null,
    ceilingValue: opts.c?.median ?? null,
    ceilingRuns: opts.c?.runs ?? null,
    ratio,
    goal: opts.goal ?? null,
    met: opts.met ? opts.met(s.median, ratio) : null,
  });
}

const log = (msg: string) => console.log(`[bench ${((Date.now() - benchStarted) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

async function loginCookie(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}

async function redemptionLoad(base: string, fx: Fixture, cookie: string, connections: number): Promise<LoadResult> {
  const run = randomBytes(4).toString('hex');
  let n = 0;
  // Every request carries a fresh one-time code of a topped-up household and its own idempotency key.
  return load({
    url: `${base}/api/redemptions`,
    method: 'POST',
    connections,
    seconds: SECONDS,
    headers: { cookie, 'content-type': 'application/json' },
    setupRequest: (req) => {
      const householdId = fx.buyers[n % fx.buyers.length];
      const { token } = createPassToken(fx.passSecret, householdId, Date.now() + 3_600_000);
      n++;
      return {
        ...req,
        headers: { ...req.headers, 'idempotency-key': `bench-${run}-${n}` },
        body: JSON.stringify({ code: token, items: [{ goodsId: fx.goodsId, quantity: 1 }] }),
      };
    },
  });
}

async function main() {
  if (PG) {
    const { runPgBench } = await import('./pg');
    const opts = { households: Number(args.households), months: Number(args.months), runs: RUNS, seconds: SECONDS, small: args.small, reuseStale: args['reuse-stale'] };
    const only = args.only ? new Set(args.only.split(',').map((g) => g.trim())) : null;
    return runPgBench({ ...opts, pool: Number(args.pool), only, baseline: args.baseline ?? null, log });
  }
  const county = ensureCounty({ households: Number(args.households), months: Number(args.months), small: args.small, reuseStale: args['reuse-stale'] });
  log(`county ${county.file} (${county.generator}, ${county.ledgerRows.toLocaleString('en')} ledger rows, ${county.sizeMb.toFixed(0)} MB)`);
  const work = workingCopy(county.file);
  if (args['checkpoints-only']) {
    const checkpoints = await checkpointFigures(work, { runs: RUNS, months: Number(args.months), log });
    for (const f of checkpoints.figures) add(f.figure, f.unit, f.s, f);
    report(county, [], null, checkpoints, 'results-checkpoints.json');
    removeDb(work);
    return;
  }
  const fx = await prepare(work, { approvalRuns: RUNS, buyers: 3000 });
  log(`fixture: township ${fx.townshipId}, period ${fx.period}, ${fx.buyers.length} buyers`);

  // Ceilings measured in-process on the same file before the server opens it.
  const userId = (username: string) => {
    const c = openRaw(work);
    const id = (c.prepare('SELECT id FROM users WHERE username = ?').get(username) as { id: number }).id;
    c.close();
    return id;
  };
  const clerkId = userId(fx.users.clerk);
  const rawRedeem: number[] = [];
  for (let r = 0; r < RUNS; r++) rawRedeem.push(rawRedemptionRate(work, { clerkId, goodsId: fx.goodsId, buyers: fx.buyers, seconds: Math.min(5, SECONDS) }));
  log(`raw redemption tx/s ${rawRedeem.map((x) => x.toFixed(0)).join(', ')}`);
  const rawBatch = fx.pendingBatches.map((ids) => rawLedgerBatchMs(work, ids));
  log(`raw 400-row ledger insert ms ${rawBatch.map((x) => x.toFixed(1)).join(', ')}`);
  const reviewerId = userId(fx.users.reviewer);
  const rawPosting = fx.twinBatches.map((ids) => rawPostingBatchMs(work, ids, reviewerId));
  log(`raw posting of 400 awards ms ${rawPosting.map((x) => x.toFixed(1)).join(', ')}`);

  const server = await startBenchServer(root, work);
  const pid = server.child.pid!;
  let peakMb = 0;
  const sampled = async <T>(body: () => Promise<T>) => {
    const { result, peakMb: p } = await peakRss(pid, body);
    peakMb = Math.max(peakMb, p);
    return result;
  };
  const red50: LoadResult[] = [];
  const red4: LoadResult[] = [];
  const approveMs: number[] = [];
  const board: LoadResult[] = [];
  const hello: LoadResult[] = [];
  try {
    const clerk = await loginCookie(server.base, fx.users.clerk, fx.password);
    const reviewer = await loginCookie(server.base, fx.users.reviewer, fx.password);
    // Warm-up: JIT, statement caches, the pages the routes touch.
    await redemptionLoad(server.base, fx, clerk, 4).catch(() => undefined);
    for (let r = 0; r < RUNS; r++) {
      red50.push(await sampled(() => redemptionLoad(server.base, fx, clerk, 50)));
      red4.push(await sampled(() => redemptionLoad(server.base, fx, clerk, 4)));
    }
    log(`redemption HTTP 50c req/s ${red50.map((x) => x.rps.toFixed(0)).join(', ')}; 4c p99 ${red4.map((x) => x.p99).join(', ')} ms`);
    for (const ids of fx.pendingBatches) {
      const t = performance.now();
      const res = await fetch(`${server.base}/api/awards/approve`, { method: 'POST', headers: { cookie: reviewer, 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
      const body = (await res.json()) as { items?: { status: string }[] };
      approveMs.push(performance.now() - t);
      if (res.status !== 200 || body.items?.some((i) => i.status !== 'posted')) throw new Error(`approval failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    }
    log(`approve 400 ms ${approveMs.map((x) => x.toFixed(1)).join(', ')}`);
    const boardUrl = `${server.base}/api/public/areas/${fx.townshipId}/leaderboard?period=${fx.period}`;
    const probe = await fetch(boardUrl);
    const probeBody = (await probe.json()) as { items?: unknown[] };
    if (probe.status !== 200 || !probeBody.items?.length) throw new Error(`leaderboard probe: ${probe.status} ${JSON.stringify(probeBody).slice(0, 200)}`);
    const CLIENTS = 8192;
    await load({ url: `${server.base}/bench/hello`, connections: 50, seconds: 2, clients: CLIENTS });
    for (let r = 0; r < RUNS; r++) {
      hello.push(await sampled(() => load({ url: `${server.base}/bench/hello`, connections: 50, seconds: SECONDS, clients: CLIENTS })));
      board.push(await sampled(() => load({ url: boardUrl, connections: 50, seconds: SECONDS, clients: CLIENTS })));
    }
    log(`board req/s ${board.map((x) => x.rps.toFixed(0)).join(', ')} vs hello ${hello.map((x) => x.rps.toFixed(0)).join(', ')}`);
  } finally {
    await server.stop();
  }

  // Read paths in-process, on random households of the township (cold pages included).
  const db = openDb({ file: work, migrate: false });
  const ctx: Ctx = { db, actor: fx.proposer, now: new Date(), device: { ip: null, userAgent: 'bench' }, config: { passSecret: fx.passSecret, scryptN: 1024, passTtlSeconds: 60, sessionTtlSeconds: 3600, cookieSecure: false } };
  const rankP50: number[] = [];
  const rankP99: number[] = [];
  const pageP99: number[] = [];
  const sample = 2000;
  for (let r = 0; r < RUNS; r++) {
    const ids = fx.readers.slice(r * 1000).concat(fx.readers).slice(0, sample);
    const rank = timeEach(ids.length, (i) => getHouseholdRank(ctx, ids[i], { period: fx.period }));
    rankP50.push(percentile(rank, 50));
    rankP99.push(percentile(rank, 99));
    pageP99.push(percentile(await timeEachAsync(ids.length, (i) => getHouseholdLedger(ctx, ids[i], { limit: 20, offset: 0 })), 99));
  }
  db.$client.close();
  log(`rank p50 ${rankP50.map((x) => x.toFixed(3)).join(', ')} ms; household page p99 ${pageP99.map((x) => x.toFixed(2)).join(', ')} ms`);

  // Checkpoints and proofs on the same working copy: the county as upgraded, no frontier stored yet.
  const checkpoints = await checkpointFigures(work, { runs: RUNS, months: Number(args.months), log });

  const startEnv = { JIFEN_DB: work, JIFEN_NO_WEB: '1', JIFEN_DEMO: '0' };
  const startNode: number[] = [];
  const startTsx: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    startNode.push(await timeToHealth(root, [process.execPath, '--import', 'tsx', 'server/main.ts'], startEnv));
    startTsx.push(await timeToHealth(root, [join(root, 'node_modules', '.bin', 'tsx'), 'server/main.ts'], startEnv));
  }
  log(`start-up ms: node --import tsx ${startNode.map((x) => x.toFixed(0)).join(', ')}; tsx (npm start) ${startTsx.map((x) => x.toFixed(0)).join(', ')}`);

  let web: PageWeight[] = [];
  let webError: string | null = null;
  if (!args['no-web']) {
    try {
      web = await webWeights({ household: 'src/modules/households/HouseholdPhonePage.vue', counter: 'src/modules/counter/CounterPage.vue' });
    } catch (err) {
      // The web app is work in progress in a shared tree: report a broken build, keep the server figures.
      webError = err instanceof Error ? err.message.split('\n')[0] : String(err);
      console.warn(`[bench] web build failed: ${webError}`);
    }
  }

  const s = (xs: number[]) => summarize(xs);
  add('redemption over HTTP, 50 connections', 'req/s', s(red50.map((x) => x.rps)), { ceiling: 'raw SQL tx in-process, tx/s', c: s(rawRedeem), goal: '≥ 60% of raw', met: (_v, r) => r! >= 0.6 });
  add('redemption over HTTP, 50 connections, p50', 'ms', s(red50.map((x) => x.p50)));
  add('redemption over HTTP, 50 connections, p99', 'ms', s(red50.map((x) => x.p99)));
  add('redemption over HTTP, 4 connections', 'req/s', s(red4.map((x) => x.rps)), { ceiling: 'raw SQL tx in-process, tx/s', c: s(rawRedeem) });
  add('redemption over HTTP, 4 connections, p99', 'ms', s(red4.map((x) => x.p99)), { goal: '≤ 25 ms', met: (v) => v <= 25 });
  add('approve a batch of 400 awards (HTTP)', 'ms', s(approveMs), { ceiling: 'raw insert of the 400 ledger rows, one tx, ms', c: s(rawBatch), goal: '≤ 2× raw', met: (_v, r) => r! <= 2 });
  add('approve a batch of 400 awards (HTTP), against raw posting', 'ms', s(approveMs), {
    ceiling: 'everything approval writes (status, ledger, balance, 3 period scores, audit) as raw SQL, one tx, ms',
    c: s(rawPosting),
  });
  add('public leaderboard (township, year), 50 connections', 'req/s', s(board.map((x) => x.rps)), { ceiling: 'Hono hello-world JSON, same server, req/s', c: s(hello.map((x) => x.rps)), goal: '≥ 50% of hello', met: (_v, r) => r! >= 0.5 });
  add('public leaderboard, p99', 'ms', s(board.map((x) => x.p99)));
  add('rank of one household in its township, p50', 'ms', s(rankP50), { goal: '< 1 ms', met: (v) => v < 1 });
  add('rank of one household in its township, p99', 'ms', s(rankP99), { goal: '< 1 ms', met: (v) => v < 1 });
  add('household page data (balance + last 20 entries), p99', 'ms', s(pageP99));
  add('server RSS, peak under the loads above', 'MB', summarize([peakMb]), { goal: '< 250 MB', met: (v) => v < 250 });
  add('start-up to /api/health (node --import tsx server/main.ts)', 'ms', s(startNode), { goal: '< 1500 ms', met: (v) => v < 1500 });
  add('start-up to /api/health (tsx server/main.ts, as npm start)', 'ms', s(startTsx));
  for (const w of web) {
    const limit = w.page === 'household' ? 150 : 250;
    add(`web: ${w.page} page JS+CSS, gzip`, 'KB', summarize([w.gzipKb]), { goal: `≤ ${limit} KB`, met: (v) => v <= limit });
  }
  for (const f of checkpoints.figures) add(f.figure, f.unit, f.s, f);
  report(county, web, webError, checkpoints, 'results.json');
  removeDb(work);
}

/** Prints the table and writes every run to bench/<file>. */
function report(county: ReturnType<typeof ensureCounty>, web: PageWeight[], webError: string | null, checkpoints: CheckpointReport, file: string) {

  const fmt = (v: number | null, unit = '') => (v == null ? '' : `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)}${unit}`);
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
  const cpu = cpus()[0]?.model ?? 'unknown';
  const machine = {
    nproc: Number(execSync('nproc').toString().trim()),
    cpu,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    sqlite: (openDb({ file: ':memory:' }).$client.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
  };
  const totalSeconds = (Date.now() - benchStarted) / 1000;
  console.log(`\n${table}\n`);
  console.log(
    `county: ${county.ledgerRows.toLocaleString('en')} ledger rows, ${args.households} households × ${args.months} months (${county.generator}), ${county.sizeMb.toFixed(0)} MB; ` +
      `generation ${county.generatedSeconds == null ? 'cached' : `${county.generatedSeconds.toFixed(0)} s`}${county.stale ? ' (older migrations, migrated forward)' : ''}; runs ${RUNS} × ${SECONDS} s; total ${totalSeconds.toFixed(0)} s`,
  );
  console.log(`machine: ${machine.nproc} cores, ${machine.cpu}, ${machine.memoryGb} GB, node ${machine.node}, SQLite ${machine.sqlite}`);
  if (webError) console.log(`web: build failed (${webError})`);
  for (const w of web) console.log(`web ${w.page}: ${w.files.slice(0, 6).map((f) => `${f.file} ${f.gzipKb.toFixed(1)} KB`).join(', ')}`);
  for (const note of checkpoints.notes) console.log(`checkpoints: ${note}`);
  const loadAverage = loadavg().map((x) => Number(x.toFixed(2)));
  console.log(`load average at the end: ${loadAverage.join(', ')}`);
  writeFileSync(
    join(root, 'bench', file),
    `${JSON.stringify({ at: new Date().toISOString(), machine, loadAverage, county: { ...county, file: county.file.slice(root.length + 1) }, runs: RUNS, secondsPerLoad: SECONDS, totalSeconds, figures, web, webError, checkpointNotes: checkpoints.notes, table }, null, 2)}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
