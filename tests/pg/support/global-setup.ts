/**
 * Global setup of the vitest project `pg`: one PostgreSQL for the whole run (a throwaway cluster, or the server
 * at JIFEN_TEST_PG_ADMIN_URL, a superuser URL), a non-superuser role `jifen`, and a migrated template database that
 * freshDatabase() (./database.ts) copies for each test file. Two runs must not share one server at the same time:
 * each rebuilds jifen_template.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migratePg, pgMigrationsFolder } from '../../../db/pg/migrate';
import { startCluster, type PgCluster } from './cluster';
import { APP_PASSWORD, APP_ROLE, TEMPLATE_DB, TEST_DB_PREFIX, withUrlPath } from './names';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser: creates and drops the test databases; tests may use it to do what the app role may not. */
    pgAdminUrl: string;
    /** The `jifen` role on database `postgres`; freshDatabase() swaps the database. */
    pgAppUrl: string;
    /** Unique to this run: the databases it creates are named `${TEST_DB_PREFIX}${pgRunId}_…`. */
    pgRunId: string;
  }
}

async function admin(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(join(pgMigrationsFolder, 'meta', '_journal.json'))) {
    throw new Error(`The PostgreSQL lane needs the migrations in ${pgMigrationsFolder} (meta/_journal.json is missing): generate them with drizzle-kit first.`);
  }
  const started = Date.now();
  let cluster: PgCluster | undefined;
  let adminUrl = process.env.JIFEN_TEST_PG_ADMIN_URL;
  if (!adminUrl) {
    // No fsync: nothing in this lane crashes the machine; the replication test runs its own durable clusters.
    cluster = await startCluster({ outlivesTests: true, fsync: false });
    adminUrl = cluster.url();
  }
  const clusterMs = Date.now() - started;
  const runId = randomBytes(4).toString('hex');
  const appUrl = withUrlPath(adminUrl, 'postgres', APP_ROLE, APP_PASSWORD);
  const templateUrl = withUrlPath(adminUrl, TEMPLATE_DB, APP_ROLE, APP_PASSWORD);

  try {
    // A server shared with earlier runs keeps the role: make sure it is what the tests assume.
    await admin(adminUrl, [
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN CREATE ROLE ${APP_ROLE}; END IF;
       END $$`,
      `ALTER ROLE ${APP_ROLE} LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION PASSWORD '${APP_PASSWORD}'`,
    ]);
    const exists = async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DB])).rowCount === 1;
      } finally {
        await client.end();
      }
    };
    // Rebuilt every run so it always has the migrations of this tree.
    if (await exists()) await admin(adminUrl, [`ALTER DATABASE ${TEMPLATE_DB} IS_TEMPLATE false`, `DROP DATABASE ${TEMPLATE_DB} WITH (FORCE)`]);
    await admin(adminUrl, [`CREATE DATABASE ${TEMPLATE_DB} OWNER ${APP_ROLE} ENCODING 'UTF8' TEMPLATE template0`]);
    await migratePg(templateUrl);
    // No one may connect to the template: CREATE DATABASE … TEMPLATE refuses a source with open sessions.
    await admin(adminUrl, [`ALTER DATABASE ${TEMPLATE_DB} IS_TEMPLATE true ALLOW_CONNECTIONS false`]);
  } catch (err) {
    await cluster?.stop('immediate');
    throw err;
  }
  const readyMs = Date.now() - started;
  console.log(
    `[pg] ${cluster ? `cluster on 127.0.0.1:${cluster.port} started in ${clusterMs} ms` : 'using JIFEN_TEST_PG_ADMIN_URL'}; ` +
      `${TEMPLATE_DB} migrated, ready after ${readyMs} ms`,
  );

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgAppUrl', appUrl);
  project.provide('pgRunId', runId);

  return async () => {
    if (cluster) {
      await cluster.stop('fast');
      return;
    }
    // A shared server outlives the run: drop what this run created and a test did not.
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const left = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [`${TEST_DB_PREFIX}${runId}_`]);
      for (const { datname } of left.rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
}
