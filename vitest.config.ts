import { defineConfig } from 'vitest/config';

/**
 * Three projects, chosen by file name so a new test file lands in one without editing this file:
 * - browser: every `*.browser.test.ts` and tests/e2e (Chromium, the real server, a web build);
 * - trust: the slow proofs, crash, races and fuzz (`tests/**` files named *crash*, *race*, *fuzz*, or `*.trust.test.ts`);
 * - fast: everything else (unit, API, boards, Excel, seeds, the quick trust tests): `npm run test:fast`.
 * `npm test` runs all three.
 */
const browser = ['tests/**/*.browser.test.ts', 'tests/e2e/**/*.test.ts'];
const trust = ['tests/**/*{crash,race,fuzz}*.test.ts', 'tests/**/*.trust.test.ts'];

const shared = {
  environment: 'node',
  testTimeout: 30_000,
  hookTimeout: 120_000,
  pool: 'forks',
  // Cheap password hashing: tests log in thousands of times; production keeps the strong default.
  env: { JIFEN_SCRYPT_N: '1024' },
} as const;

export default defineConfig({
  test: {
    // Once per run, not per project: fails the run if a test left a process behind.
    globalSetup: ['tests/support/no-leftover-processes.ts'],
    projects: [
      { test: { ...shared, name: 'fast', include: ['tests/**/*.test.ts'], exclude: [...browser, ...trust] } },
      { test: { ...shared, name: 'trust', include: trust, exclude: browser } },
      { test: { ...shared, name: 'browser', include: browser } },
    ],
  },
});
