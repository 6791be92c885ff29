/**
 * A fresh, migrated database for one test file: a copy of the run's template (global-setup.ts), owned by and
 * reached as the non-superuser role `jifen`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { APP_ROLE, TEMPLATE_DB, TEST_DB_PREFIX, withUrlPath } from './names';

export interface FreshDatabase {
  /** Connects as `jifen`. */
  url: string;
  name: string;
  /** Drops the database, closing whatever sessions a test left open on it. Safe to call twice. */
  drop(): Promise<void>;
}

let seq = 0;

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function freshDatabase(): Promise<FreshDatabase> {
  // Unique across workers (pid) and runs on a shared server (run id); only [a-z0-9_], so quoting is safe.
  const name = `${TEST_DB_PREFIX}${inject('pgRunId')}_${process.pid}_${++seq}_${randomBytes(3).toString('hex')}`;
  await asAdmin(`CREATE DATABASE "${name}" TEMPLATE ${TEMPLATE_DB} OWNER ${APP_ROLE}`);
  let dropped = false;
  return {
    name,
    url: withUrlPath(inject('pgAppUrl'), name),
    async drop() {
      if (dropped) return;
      await asAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      dropped = true;
    },
  };
}
