import type { Db } from '../db/client';
import { shanghaiDay } from '../db/time';
import type { AppConfig } from './lib/context';
import { postDueAwards } from './modules/awards/postDueAwards';
import { expirePoints } from './modules/ledger/expirePoints';

const FIRST_TICK_DELAY_MS = 1000;

/**
 * Background work, once a minute: post awards whose public notice has ended, and once per Shanghai day
 * expire points past their area's rule. Both are idempotent, so a restart or a second server is harmless.
 */
export function startScheduler(db: Db, config: AppConfig): () => void {
  let expiredOn: string | null = null;
  const tick = () => {
    const ctx = { db, now: new Date(), device: { ip: null, userAgent: 'scheduler' }, config };
    try {
      postDueAwards(ctx);
      const today = shanghaiDay(ctx.now.getTime());
      if (expiredOn !== today) {
        expirePoints(ctx);
        expiredOn = today;
      }
    } catch (err) {
      console.error('[jifen] scheduler:', err);
    }
  };
  // The first pass can take seconds on a county's ledger: run it just after start-up, not before listening.
  const first = setTimeout(tick, FIRST_TICK_DELAY_MS);
  first.unref();
  const timer = setInterval(tick, 60_000);
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
