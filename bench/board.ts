/**
 * `npx tsx bench/board.ts [--households N] [--seconds S] [--runs R]`: only the public-board figure of
 * `npm run bench` — the township leaderboard JSON against a hello-world route on the same bench server,
 * in the same run, on a small county (the board is cached, so the county's size hardly matters; the
 * figure is the per-request cost). A repeat visitor's conditional GET (304) is measured beside it.
 */
import Database from 'better-sqlite3';
import { parseArgs } from 'node:util';
import { ensureCounty, removeDb, root, workingCopy } from './data';
import { load, type LoadResult } from './lib/load';
import { startBenchServer } from './lib/proc';

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
  },
});
const SECONDS = Number(args.seconds);
const RUNS = Math.max(1, Number(args.runs));
const CLIENTS = 200;
// What a phone's browser sends: the prepared board goes out compressed, as it does to villagers.
const BROWSER = { 'accept-encoding': 'gzip, deflate, br' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const county = ensureCounty({ households: Number(args.households), months: 12, small: true });
  const work = workingCopy(county.file);
  const raw = new Database(work, { readonly: true });
  const town = raw.prepare(`SELECT id FROM areas WHERE kind = 'township' ORDER BY id LIMIT 1`).get() as { id: number };
  const { period } = raw
    .prepare(`SELECT period FROM household_period_scores WHERE township_id = ? AND length(period) = 4 GROUP BY period ORDER BY COUNT(*) DESC LIMIT 1`)
    .get(town.id) as { period: string };
  raw.close();

  // The limiter still counts every request, but 200 addresses at 600 a minute would turn most of the run
  // into 429s: the figure is the cost of serving the board, so the bench server allows them all.
  const server = await startBenchServer(root, work, { JIFEN_PUBLIC_RATE_LIMIT: String(1e9) });
  try {
    const boardUrl = `${server.base}/api/public/areas/${town.id}/leaderboard?period=${period}`;
    const probe = await fetch(boardUrl);
    const etag = probe.headers.get('etag');
    if (probe.status !== 200) throw new Error(`leaderboard probe: ${probe.status} ${await probe.text()}`);
    await load({ url: `${server.base}/bench/hello`, connections: 50, seconds: 2, clients: CLIENTS });
    await load({ url: boardUrl, connections: 50, seconds: 2, clients: CLIENTS, headers: BROWSER });
    const hello: LoadResult[] = [];
    const board: LoadResult[] = [];
    const revisit: LoadResult[] = [];
    for (let r = 0; r < RUNS; r++) {
      hello.push(await load({ url: `${server.base}/bench/hello`, connections: 50, seconds: SECONDS, clients: CLIENTS }));
      board.push(await load({ url: boardUrl, connections: 50, seconds: SECONDS, clients: CLIENTS, headers: BROWSER }));
      // 304s are not 2xx to autocannon; the figure is the rate, the "failed" count is expected here.
      if (etag) revisit.push(await load({ url: boardUrl, connections: 50, seconds: SECONDS, clients: CLIENTS, headers: { ...BROWSER, 'if-none-match': etag } }));
    }
    const h = median(hello.map((x) => x.rps));
    const b = median(board.map((x) => x.rps));
    console.log(`hello req/s ${hello.map((x) => x.rps.toFixed(0)).join(', ')}`);
    console.log(`board req/s ${board.map((x) => x.rps.toFixed(0)).join(', ')} → ${((b / h) * 100).toFixed(0)}% of hello (goal ≥ 50%)`);
    if (revisit.length) {
      const v = median(revisit.map((x) => x.rps));
      console.log(`board 304 req/s ${revisit.map((x) => x.rps.toFixed(0)).join(', ')} → ${((v / h) * 100).toFixed(0)}% of hello`);
    }
  } finally {
    await server.stop();
    removeDb(work);
  }
}

await main();
