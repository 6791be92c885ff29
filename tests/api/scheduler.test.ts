import { afterEach, describe, expect, it } from 'vitest';
import { startScheduler, type ScheduledJobs, type Scheduler } from '../../server/scheduler';
import { makeTestApp, testConfig } from '../support/app';
import { call, login, makeWorld } from '../support/factories';

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A promise the test resolves by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

let running: Scheduler[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()));
  running = [];
});

function scheduler(...args: Parameters<typeof startScheduler>): Scheduler {
  const s = startScheduler(...args);
  running.push(s);
  return s;
}

// Timers far away: each test drives ticks itself unless it asks for a short interval.
const manual = { firstDelayMs: 3_600_000, intervalMs: 3_600_000 };

describe('the scheduler', () => {
  it('posts an award whose notice has ended as the system: audit role system, no user', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const [cadre, reviewer, county] = [await login(t, 'cadre'), await login(t, 'reviewer'), await login(t, 'county')];
    await call(t, 'PATCH', `/api/areas/${w.areas.villageA.id}/settings`, { cookie: county, body: { noticeDays: 1 } });
    const a = await call(t, 'POST', '/api/awards', { cookie: cadre, body: { householdId: w.household.id, ruleId: w.rule.id, occurredOn: '2026-06-14' } });
    expect((await call(t, 'POST', `/api/awards/${a.body.id}/approve`, { cookie: reviewer })).body.status).toBe('notice');
    t.clock.advance(2 * DAY);

    await scheduler(await t.appDb(), testConfig, { ...manual, now: () => t.clock.now }).tick();

    expect((await call(t, 'GET', `/api/awards/${a.body.id}`, { cookie: cadre })).body.status).toBe('posted');
    const rows = await t.sql.all("SELECT actor_id AS \"actorId\", actor_role AS \"actorRole\", user_agent AS \"userAgent\" FROM audit_log WHERE action = 'award.post'");
    expect(rows).toEqual([{ actorId: null, actorRole: 'system', userAgent: 'scheduler' }]);
  });

  it('never runs two ticks at once: a tick asked for during a slow one joins it', async () => {
    const { db } = makeTestApp();
    const slow = gate();
    let posts = 0;
    const jobs: ScheduledJobs = {
      postDueAwards: async () => {
        posts += 1;
        await slow.opened;
      },
      expirePoints: () => undefined,
    };
    const s = scheduler(db, testConfig, { ...manual, jobs });
    const first = s.tick();
    const second = s.tick();
    expect(second).toBe(first);
    slow.open();
    await first;
    expect(posts).toBe(1);
    await s.tick();
    expect(posts).toBe(2);
  });

  it('times the next tick from the end of a slow one, so timer ticks never overlap', async () => {
    const { db } = makeTestApp();
    let inFlight = 0;
    let most = 0;
    let ticks = 0;
    const jobs: ScheduledJobs = {
      postDueAwards: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(60);
        inFlight -= 1;
        ticks += 1;
      },
      expirePoints: () => undefined,
    };
    scheduler(db, testConfig, { firstDelayMs: 0, intervalMs: 5, jobs });
    await sleep(400);
    expect(ticks).toBeGreaterThanOrEqual(2);
    expect(most).toBe(1);
  });

  it('runs expiry even when posting fails, logs each failure, and retries a failed expiry on the next tick', async () => {
    const { db } = makeTestApp();
    const errors: string[] = [];
    let expiries = 0;
    const jobs: ScheduledJobs = {
      postDueAwards: () => {
        throw new Error('posting broke');
      },
      expirePoints: () => {
        expiries += 1;
        if (expiries === 1) throw new Error('expiry broke');
      },
    };
    const s = scheduler(db, testConfig, { ...manual, jobs, onError: (job, err) => errors.push(`${job}: ${(err as Error).message}`) });
    await s.tick();
    await s.tick();
    await s.tick();
    expect(errors).toEqual(['postDueAwards: posting broke', 'expirePoints: expiry broke', 'postDueAwards: posting broke', 'postDueAwards: posting broke']);
    // Failed on the first tick, done on the second, not again the same day.
    expect(expiries).toBe(2);
  });

  it('expires once per Shanghai day', async () => {
    const { db } = makeTestApp();
    let now = new Date('2026-06-15T15:00:00.000Z'); // 23:00 in Shanghai
    const days: string[] = [];
    const jobs: ScheduledJobs = { postDueAwards: () => undefined, expirePoints: (ctx) => days.push(ctx.now.toISOString()) };
    const s = scheduler(db, testConfig, { ...manual, jobs, now: () => now });
    await s.tick();
    now = new Date('2026-06-15T15:59:00.000Z');
    await s.tick();
    now = new Date('2026-06-15T16:01:00.000Z'); // past midnight in Shanghai
    await s.tick();
    expect(days).toEqual(['2026-06-15T15:00:00.000Z', '2026-06-15T16:01:00.000Z']);
  });

  it('stops only after the tick in progress has finished', async () => {
    const { db } = makeTestApp();
    const slow = gate();
    let finished = false;
    const jobs: ScheduledJobs = {
      postDueAwards: async () => {
        await slow.opened;
        finished = true;
      },
      expirePoints: () => undefined,
    };
    const s = scheduler(db, testConfig, { ...manual, jobs });
    void s.tick();
    const stopped = s.stop();
    await sleep(20);
    expect(finished).toBe(false);
    slow.open();
    await stopped;
    expect(finished).toBe(true);
  });
});
