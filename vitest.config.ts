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
// tests/pg/*.suite.test.ts run only in pg-suite (they need its engine switch).
const pgOnly = ['**/*.pg.test.ts', 'tests/pg/**/*.suite.test.ts'];
const pgLane =
  process.env.JIFEN_TEST_PG === '1' ||
  process.argv.some((arg, i) => /^--project=pg(-suite)?$/.test(arg) || (arg === '--project' && /^pg(-suite)?$/.test(process.argv[i + 1] ?? '')));

/**
 * pg-suite: the SQLite suite's HTTP tests (tests/api, tests/trust) with the app over PostgreSQL
 * (tests/pg/support/engine-switch.ts). Left out, with why:
 */
const pgSuiteExcluded: Record<string, string> = {
  // No app over a database: engine-independent, or SQLite by nature (each has its PostgreSQL twin under tests/pg).
  'tests/api/bootstrap.test.ts': 'runs the bootstrap CLI on SQLite files in child processes',
  'tests/api/db-type-neutral.test.ts': 'a type-level check, no database',
  'tests/api/disk-full.test.ts': 'SQLite disk-full (SQLITE_FULL) behaviour',
  'tests/api/neutral-stores.test.ts': 'stores on a SQLite database it opens itself; stores-*.pg.test.ts runs them on both engines',
  'tests/api/pg-config.test.ts': 'reads configuration, no database',
  'tests/api/pg-errors.test.ts': 'maps driver errors, no database',
  'tests/api/pg-migrations-pinned.test.ts': 'checks migration files, no database',
  'tests/api/sql-neutral.test.ts': 'the SQLite side of db/sql.ts; driver.pg.test.ts runs the PostgreSQL side',
  'tests/api/transaction.test.ts': "SQLite's BEGIN IMMEDIATE and read connection; driver.pg.test.ts covers PostgreSQL transactions",
  'tests/trust/backup.test.ts': 'SQLite online backup of a file; backup.pg.test.ts covers pg_dump',
  'tests/trust/crash.test.ts': 'SIGKILL of a server on a SQLite file (WAL); crash.pg.test.ts covers PostgreSQL',
  'tests/trust/two-process-races.test.ts': 'two server processes on one SQLite file; two-process-races.pg.test.ts covers PostgreSQL',
  'tests/trust/upgrade.test.ts': 'SQLite migrations over released files',
  'tests/trust/public-proofs-tamper.trust.test.ts': 'tampers with a SQLite file and runs the CLI on it in child processes',
  'tests/trust/verify.test.ts': 'tampers with SQLite rows directly; verify.pg.test.ts has the PostgreSQL tamper reports',
  'tests/trust/verify-catalogue.test.ts': 'tampers with SQLite rows directly (verify.pg.test.ts covers PostgreSQL)',
  // Build their own app over a SQLite file (createApp), so the switch never applies.
  'tests/api/board-shell.test.ts': 'its own app over SQLite (web shell files)',
  'tests/api/evidence.test.ts': 'its own app over SQLite or a file (photo folder beside it)',
  'tests/api/review-races.test.ts': 'its own app over a SQLite file',
  // Read (or write through a store that reads) the test's SQLite after the first request: the switch refuses that
  // (StaleSqliteRead). Mostly grantPoints/appendLedgerEntry fixtures after a login, or checks in SQL; to port one,
  // read through t.sql / await t.appDb() and post fixture entries with transaction(await t.appDb(), postLedgerEntry).
  'tests/api/authz-matrix.test.ts': 'grantPoints after the first request (the matrix runs on both engines in tests/pg/authz-matrix.pg.test.ts)',
  // Engine differences found by this lane and not fixed yet (listed in docs/POSTGRES.md, "Not done yet"); some also read SQLite.
};

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
    // The pg lanes share one cluster and template (project.provide on the root reaches every project).
    globalSetup: ['tests/support/no-leftover-processes.ts', ...(pgLane ? ['tests/pg/support/global-setup.ts'] : [])],
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
                // Each test file copies the run's migrated template (global setup above).
                sequence: { groupOrder: 3 },
              },
            },
            {
              test: {
                ...shared,
                name: 'pg-suite',
                include: ['tests/api/**/*.test.ts', 'tests/trust/**/*.test.ts', 'tests/pg/**/*.suite.test.ts'],
                exclude: [...browser, '**/*.pg.test.ts', ...Object.keys(pgSuiteExcluded)],
                // Fuzz: 20 runs a route instead of 100 (each run's fixture is a fresh PostgreSQL database).
                env: { ...shared.env, JIFEN_TEST_ENGINE: 'pg', JIFEN_FUZZ_RUNS: '20' },
                setupFiles: ['tests/pg/support/suite-setup.ts'],
                sequence: { groupOrder: 4 },
              },
            },
          ]
        : []),
    ],
  },
});
