import { createApp } from '../../server/app';
import { openDb, type Db } from '../../db/client';
import { sqlOf } from '../../db/sql';
import { memoryCheckpointKey } from '../../server/lib/checkpointKey';
import type { AppConfig } from '../../server/lib/context';
import { Contract, contractMode } from './contract';

export interface TestClock {
  now: Date;
  advance(ms: number): void;
  set(iso: string): void;
}

// The pg-suite lane (JIFEN_TEST_ENGINE=pg, vitest.config.ts) runs these same tests with the app over PostgreSQL.
export const pgSwitch = process.env.JIFEN_TEST_ENGINE === 'pg' ? await import('../pg/support/engine-switch') : null;

export const testConfig: AppConfig = {
  passSecret: 'test-secret-0123456789abcdef',
  scryptN: 1024,
  passTtlSeconds: 60,
  sessionTtlSeconds: 90 * 86_400,
  cookieSecure: false,
};

/** A clock a test moves by hand, starting at `start`. */
export function makeClock(start = '2026-06-15T02:00:00.000Z'): TestClock {
  return {
    now: new Date(start),
    advance(ms) {
      this.now = new Date(this.now.getTime() + ms);
    },
    set(iso) {
      this.now = new Date(iso);
    },
  };
}

/** A fresh in-memory database, migrated, and the app over it with a clock the test controls. */
export function makeTestApp(start = '2026-06-15T02:00:00.000Z', config: Partial<AppConfig> = {}) {
  const db = openDb({ file: ':memory:' });
  const clock = makeClock(start);
  const deps = { config: { ...testConfig, ...config }, now: () => clock.now };
  const app = createApp({ db, ...deps });
  // `appDb()` and `sql` reach the database the app runs over (on PostgreSQL, `db` is only the fixture's source).
  // The key an in-memory app signs with, so a test checks the PostgreSQL app's signatures as it checks SQLite's.
  const switched = pgSwitch?.switchToPostgres(db, app, (appDb) => createApp({ db: appDb, ...deps, config: { checkpointKey: memoryCheckpointKey(db), ...deps.config } }));
  checkAnswers(app);
  if (switched) return { app, clock, ...switched };
  return { app, db, clock, appDb: async (): Promise<Db> => db, sql: sqlOf(db) };
}

// One document per worker: every test app has the same routes.
let contract: Promise<Contract> | null = null;
const reported = new Set<string>();

/** Every answer the suite receives through app.request is checked against the API's own OpenAPI document (see ./contract). */
export function checkAnswers(app: ReturnType<typeof createApp>): void {
  if (contractMode === 'off') return;
  const request = app.request.bind(app);
  app.request = (async (...args: Parameters<typeof request>) => {
    const res = await request(...args);
    const [input, init] = args;
    const url = new URL(input instanceof Request ? input.url : String(input), 'http://localhost');
    if (url.pathname === '/api/openapi.json') return res;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    contract ??= Promise.resolve(request('/api/openapi.json')).then(async (r) => new Contract(await r.json()));
    const violation = await (await contract).check(method, url.pathname, res.clone());
    if (violation) {
      const text = `contract: ${violation.route} → ${violation.status}: ${violation.problem}`;
      if (contractMode === 'fail') throw new Error(text);
      if (!reported.has(text)) {
        reported.add(text);
        console.warn(text);
      }
    }
    return res;
  }) as typeof app.request;
}

export type TestApp = ReturnType<typeof makeTestApp>;
