import type { Db } from '../db/client';
import type { AppConfig } from './lib/context';
import { postDueAwards } from './modules/awards/postDueAwards';

/** Posts awards whose public notice has ended. Runs once a minute; each pass is its own transaction. */
export function startScheduler(db: Db, config: AppConfig): () => void {
  const tick = () => {
    try {
      postDueAwards({ db, now: new Date(), device: { ip: null, userAgent: 'scheduler' }, config });
    } catch (err) {
      console.error('[jifen] scheduler:', err);
    }
  };
  tick();
  const timer = setInterval(tick, 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
