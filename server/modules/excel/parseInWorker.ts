import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../../lib/errors';
import type { SheetRow, TableJob } from './parseTable';
import type { ParseReply } from './parseWorker';
import { SheetTooLarge } from './sheetLimits';

/**
 * How much one upload may cost. Parsing runs in its own worker thread so the event loop keeps serving
 * the counter; the worker is killed when it runs out of time or heap, and at most `parallel` run at once.
 */
export interface ParseBudget {
  timeMs: number;
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb: number;
  parallel: number;
  /** Uploads waiting for a free worker; one more is told to come back later. */
  waiting: number;
}

export const parseBudget: ParseBudget = {
  timeMs: 20_000,
  maxOldGenerationSizeMb: 160,
  maxYoungGenerationSizeMb: 16,
  parallel: 2,
  waiting: 8,
};

const here = import.meta.url;
const fromSource = here.endsWith('.ts');
const workerUrl = new URL(fromSource ? './parseWorker.ts' : './parseWorker.js', here).href;

/** tsx's ESM API (its CommonJS build cannot register from a worker). */
function tsxApiUrl(): string {
  const pkgPath = createRequire(here).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
}

// From source the worker registers tsx itself: it runs with `execArgv: []` (no inherited heap flags,
// no tsx when the parent is vitest), and its code is TypeScript.
const bootstrap = fromSource
  ? `import(${JSON.stringify(tsxApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl)}); });`
  : `import(${JSON.stringify(workerUrl)});`;

let running = 0;
const queue: (() => void)[] = [];

async function acquire(budget: ParseBudget): Promise<void> {
  if (running < budget.parallel) {
    running++;
    return;
  }
  if (queue.length >= budget.waiting) throw new AppError(503, 'import_busy', '正在处理的导入较多，请稍后再试');
  // The slot is handed over by release(), so `running` stays as it is.
  await new Promise<void>((resolve) => queue.push(resolve));
}

function release(): void {
  const next = queue.shift();
  if (next) next();
  else running--;
}

function run(job: TableJob, budget: ParseBudget): Promise<SheetRow[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(bootstrap, {
      eval: true,
      execArgv: [],
      workerData: { jifenParse: job },
      resourceLimits: { maxOldGenerationSizeMb: budget.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: budget.maxYoungGenerationSizeMb },
    });
    let outcome: { rows: SheetRow[] } | { error: Error } | null = null;
    const timer = setTimeout(() => {
      outcome ??= { error: new AppError(503, 'sheet_timeout', '表格处理超时，请稍后重试；如果表格很大，请拆分后分批导入') };
      void worker.terminate();
    }, budget.timeMs);
    worker.once('message', (m: ParseReply) => {
      outcome ??= m.ok ? { rows: m.rows } : { error: new AppError(m.status as ContentfulStatusCode, m.code, m.message, m.details) };
      void worker.terminate();
    });
    worker.once('error', (err: Error & { code?: string }) => {
      outcome ??= { error: err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new SheetTooLarge('表格过大，读取时超出内存限制，请拆分后分批导入') : err };
    });
    // Answer only once the thread is gone, so its memory is back before the next upload takes the slot.
    worker.once('exit', () => {
      clearTimeout(timer);
      if (!outcome) reject(new Error('spreadsheet worker exited without an answer'));
      else if ('rows' in outcome) resolve(outcome.rows);
      else reject(outcome.error);
    });
  });
}

/** Parses an upload in a worker thread within `budget`; refusals come back as the AppError the worker raised. */
export async function parseInWorker(job: TableJob, budget: ParseBudget = parseBudget): Promise<SheetRow[]> {
  await acquire(budget);
  try {
    return await run(job, budget);
  } finally {
    release();
  }
}
