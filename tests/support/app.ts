import { createApp } from '../../server/app';
import { openDb, type Db } from '../../db/client';
import type { AppConfig } from '../../server/lib/context';

export interface TestClock {
  now: Date;
  advance(ms: number): void;
  set(iso: string): void;
}

export const testConfig: AppConfig = {
  passSecret: 'test-secret-0123456789abcdef',
  scryptN: 1024,
  passTtlSeconds: 60,
  sessionTtlSeconds: 90 * 86_400,
  cookieSecure: false,
};

/** A fresh in-memory database, migrated, and the app over it with a clock the test controls. */
export function makeTestApp(start = '2026-06-15T02:00:00.000Z') {
  const db: Db = openDb({ file: ':memory:' });
  const clock: TestClock = {
    now: new Date(start),
    advance(ms) {
      this.now = new Date(this.now.getTime() + ms);
    },
    set(iso) {
      this.now = new Date(iso);
    },
  };
  const app = createApp({ db, config: testConfig, now: () => clock.now });
  return { app, db, clock };
}

export type TestApp = ReturnType<typeof makeTestApp>;
