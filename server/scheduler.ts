import type { Db } from '../db/client';
import { runScheduledJob } from '../db/jobs';
import { shanghaiDay } from '../db/time';
import { systemCtx, type AppConfig, type SystemCtx } from './lib/context';
import { postDueAwards } from './modules/awards/postDueAwards';
import { closeStoreMonths } from './modules/funds/closeStoreMonths';
import { expirePoints } from './modules/ledger/expirePoints';
import { makeDailyCheckpoints } from './modules/proofs/makeDailyCheckpoints';

/** The scheduled jobs; tests substitute their own to make one slow or failing. */
export interface ScheduledJobs {
  postDueAwards(ctx: SystemCtx): unknown;
  expirePoints(ctx: SystemCtx): unknown;
  /** Optional so a test's own jobs may leave it out. */
  dailyCheckpoints?(ctx: SystemCtx): unknown;
  /** Optional like dailyCheckpoints: the stores' month closes. */
  storeMonthCloses?(ctx: SystemCtx): unknown;
}

export interface SchedulerOptions {
  /** Pause between the end of one tick and the start of the next (60 s). */
  intervalMs?: number;
  /** Pause before the first tick (1 s). */
  firstDelayMs?: number;
  now?: () => Date;
  jobs?: ScheduledJobs;
  onError?: (job: keyof ScheduledJobs, err: unknown) => void;
}

export interface Scheduler {
  /** Runs one tick now, or joins the tick already running: two ticks never overlap. */
  tick(): Promise<void>;
  /** No further ticks; resolves once a tick in progress has finished (so the database can be closed). */
  stop(): Promise<void>;
}

const defaultJobs: ScheduledJobs = {
  postDueAwards: (ctx) => postDueAwards(ctx),
  expirePoints: (ctx) => expirePoints(ctx),
  dailyCheckpoints: (ctx) => makeDailyCheckpoints(ctx),
  storeMonthCloses: (ctx) => closeStoreMonths(ctx),
};

/**
 * Background work as the system actor: post awards whose public notice has ended, and once per
 * Shanghai day expire points past their area's rule. Both are idempotent, so a restart or a second
 * server is harmless. The next tick is timed from the end of the last one, and a tick asked for while
 * one runs joins it, so a slow tick (a county's expiry) never has a second one started beside it.
 * A failing job is logged and does not stop the other; a failed expiry is tried again next tick.
 */
export function startScheduler(db: Db, config: AppConfig, opts: SchedulerOptions = {}): Scheduler {
  const { intervalMs = 60_000, firstDelayMs = 1000, now = () => new Date(), jobs = defaultJobs } = opts;
  const onError = opts.onError ?? ((job, err) => console.error(`[jifen] scheduler ${job}:`, err));
  let expiredOn: string | null = null;
  let checkpointedOn: string | null = null;
  let closedOn: string | null = null;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const runJob = async (job: keyof ScheduledJobs, ctx: SystemCtx): Promise<boolean> => {
    try {
      await jobs[job]?.(ctx);
      return true;
    } catch (err) {
      onError(job, err);
      return false;
    }
  };

  const runTick = async () => {
    await runJob('postDueAwards', systemCtx(db, config, now()));
    const ctx = systemCtx(db, config, now());
    const today = shanghaiDay(ctx.now.getTime());
    if (expiredOn !== today && (await runJob('expirePoints', ctx))) expiredOn = today;
    // After expiry, so the day's checkpoint covers it; the job itself makes none twice on one day.
    if (checkpointedOn !== today && (await runJob('dailyCheckpoints', systemCtx(db, config, now())))) checkpointedOn = today;
    // Once a day (the first tick after start too): a month becomes closable at a day's turn; a close a late entry reached is redone then.
    if (closedOn !== today && (await runJob('storeMonthCloses', systemCtx(db, config, now())))) closedOn = today;
  };

  const tick = (): Promise<void> => {
    // Several server processes on one PostgreSQL database: one of them runs the tick, the others skip it.
    running ??= runScheduledJob(db, 'scheduler-tick', runTick)
      .then(() => undefined)
      .finally(() => {
        running = null;
      });
    return running;
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      void tick()
        .catch((err: unknown) => console.error('[jifen] scheduler:', err))
        .finally(() => schedule(intervalMs));
    }, delay);
    // Scheduled work alone never keeps the process alive.
    timer.unref();
  };
  // The first pass can take seconds on a county's ledger: run it just after start-up, not before listening.
  schedule(firstDelayMs);

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
