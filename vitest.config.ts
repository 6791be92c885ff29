import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Three projects, chosen by file name so a new test file lands in one without editing this file:
 * - browser: every `*.browser.test.ts` and tests/e2e (Chromium, the real server, a web build);
 * - trust: the slow proofs, crash, races and fuzz (`tests/**` files named *crash*, *race*, *fuzz*, or `*.trust.test.ts`);
 * - fast: everything else (unit, API, boards, Excel, seeds, the quick trust tests): `npm run test:fast`.
 * `npm test` runs all three, one after the other (fast, trust, browser), so the slow ones do not compete for CPU.
 * A fourth, pg (`*.pg.test.ts` under tests/pg, against a throwaway PostgreSQL: docs/POSTGRES.md), exists only when named
 * (`npm run test:pg` = `--project pg`, or JIFEN_TEST_PG=1), so `npm test` never needs PostgreSQL.
 */
const browser = ['tests/**/*.browser.test.ts', 'tests/e2e/**/*.test.ts'];
const trust = ['tests/**/*{crash,race,fuzz}*.test.ts', 'tests/**/*.trust.test.ts'];
const pgOnly = ['**/*.pg.test.ts'];
const pgLane =
  process.env.JIFEN_TEST_PG === '1' ||
  process.argv.some((arg, i) => /^--project=pg$/.test(arg) || (arg === '--project' && process.argv[i + 1] === 'pg'));

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
      {
        test: {
          ...shared,
          name: 'fast',
          include: ['tests/**/*.test.ts'],
          exclude: [...browser, ...trust, ...pgOnly],
          // One module graph per worker instead of one per file: loading the app for each of ~40 files was most
          // of the run. Safe because every cache in server/ and db/ is keyed by its database and no fast test
          // mocks modules or changes process.env; a test that must do either belongs in trust.
          isolate: false,
          // Vitest leaves a core to itself by default, which on a two-core laptop means one worker.
          maxWorkers: Math.max(2, availableParallelism() - 1),
          sequence: { groupOrder: 0 },
        },
      },
      { test: { ...shared, name: 'trust', include: trust, exclude: [...browser, ...pgOnly], sequence: { groupOrder: 1 } } },
      { test: { ...shared, name: 'browser', include: browser, exclude: pgOnly, sequence: { groupOrder: 2 } } },
      ...(pgLane
        ? [
            {
              test: {
                ...shared,
                name: 'pg',
                include: ['tests/pg/**/*.pg.test.ts'],
                // One cluster and a migrated template per run; each test file copies the template.
                globalSetup: ['tests/pg/support/global-setup.ts'],
                sequence: { groupOrder: 3 },
              },
            },
          ]
        : []),
    ],
  },
});
