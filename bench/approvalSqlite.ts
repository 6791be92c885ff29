/**
 * Batch approval of 400 awards on SQLite, before and after (a change to the approval path), in one run:
 * `npx tsx bench/approvalSqlite.ts [--baseline DIR] [--runs 3]`. Prepares a working copy of the default PostgreSQL
 * bench county (bench/prepare.ts: pending batches of 400 in one township, notice 0 days), then approves one batch
 * per child process, alternating this tree and DIR (another checkout, node_modules linked), each timed inside
 * its process around approveMany only. Prints the medians and the ratio.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCounty, removeDb, root } from './data';
import { summarize } from './lib/stats';
import { prepare } from './prepare';

const { values: args } = parseArgs({
  options: { baseline: { type: 'string' }, runs: { type: 'string', default: '3' }, child: { type: 'string' }, households: { type: 'string', default: '20000' }, months: { type: 'string', default: '12' } },
});

if (args.child) {
  // Child: approve one batch with this tree's code. argv: --child JSON {file, ids, reviewerId, areaId}
  const job = JSON.parse(args.child) as { file: string; ids: number[]; reviewer: string };
  const { openDb, closeDb } = (await import(join(process.cwd(), 'db/client.ts'))) as typeof import('../db/client');
  const { approveMany } = (await import(join(process.cwd(), 'server/modules/awards/approveAward.ts'))) as typeof import('../server/modules/awards/approveAward');
  const db = openDb({ file: job.file, migrate: false });
  const u = db.$client.prepare(`SELECT u.id, u.area_id AS areaId, a.path, a.kind FROM users u JOIN areas a ON a.id = u.area_id WHERE u.username = ?`).get(job.reviewer) as {
    id: number;
    areaId: number;
    path: string;
    kind: 'township';
  };
  const actor = { userId: u.id, username: job.reviewer, role: 'reviewer' as const, areaId: u.areaId, areaPath: u.path, areaKind: u.kind, householdId: null, sessionHash: 'bench' };
  const ctx = { db, actor, now: new Date(), device: { ip: null, userAgent: 'bench' }, config: { passSecret: 'x', scryptN: 1024, passTtlSeconds: 60, sessionTtlSeconds: 3600, cookieSecure: false } };
  const t = performance.now();
  const results = await approveMany(ctx, job.ids);
  const ms = performance.now() - t;
  if (results.length !== job.ids.length || results.some((r) => r.status !== 'posted')) throw new Error('approval did not post every award');
  await closeDb(db);
  process.stdout.write(`${ms}\n`);
  process.exit(0);
}

const RUNS = Number(args.runs);
const county = ensureCounty({ households: Number(args.households), months: Number(args.months), small: false });
// Its own copy: the PostgreSQL bench's working copy (bench/cache/work.db) may be in use.
const work = join(root, 'bench', 'cache', 'work-approval.db');
removeDb(work);
copyFileSync(county.file, work);
try {
  const fx = await prepare(work, { approvalRuns: args.baseline ? RUNS * 2 : RUNS, buyers: 10 });
  const approve = (tree: string, ids: number[]) =>
    Number(execFileSync(process.execPath, [...(process.env.BENCH_CHILD_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CHILD_PROF}`] : []), '--import', 'tsx', join(root, 'bench/approvalSqlite.ts'), '--child', JSON.stringify({ file: work, ids, reviewer: fx.users.reviewer })], { cwd: tree }).toString().trim());
  const after: number[] = [];
  const before: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    if (args.baseline) before.push(approve(args.baseline, fx.pendingBatches[RUNS + r]!));
    after.push(approve(root, fx.pendingBatches[r]!));
  }
  const a = summarize(after);
  const line = [`SQLite approve 400 (in-process approveMany): ${a.median.toFixed(1)} ms (${after.map((x) => x.toFixed(1)).join(', ')})`];
  if (args.baseline) {
    const b = summarize(before);
    line.push(`baseline ${args.baseline}: ${b.median.toFixed(1)} ms (${before.map((x) => x.toFixed(1)).join(', ')}); after ÷ before ${((a.median / b.median) * 100).toFixed(0)}%`);
  }
  console.log(line.join('\n'));
  writeFileSync(join(root, 'bench', 'results-approval-sqlite.json'), `${JSON.stringify({ at: new Date().toISOString(), after, before, baseline: args.baseline ?? null }, null, 2)}\n`);
} finally {
  removeDb(work);
}
