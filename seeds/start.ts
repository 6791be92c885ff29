/**
 * `npm start`: the server, with the demo county loaded into an empty database first (JIFEN_DEMO unset
 * or 1). With JIFEN_DEMO=0 it is exactly `tsx server/main.ts`: an empty database gets one county and
 * the account admin (JIFEN_ADMIN_PASSWORD). A database that holds data is never touched.
 * On PostgreSQL (JIFEN_DATABASE_URL) the demo is generated into a temporary SQLite file and moved over
 * with db:copy, the same way a real county joins a provincial deployment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordedCountyNumber } from '../db/bootstrap';
import { closeDb, openDb, type Db } from '../db/client';
import { copySqliteToPg } from '../db/copy/sqliteToPg';
import { isSqlite } from '../db/sql';
import { DatabaseConfigError, readDatabaseEnv } from '../server/config';
import type { AppConfig } from '../server/lib/context';
import { runEntry, startServer } from '../server/main';
import { seedDemoCounty } from './demo';

const demo = (process.env.JIFEN_DEMO ?? '1') !== '0';

async function loadDemo(db: Db, config: AppConfig): Promise<void> {
  // The demo's accounts (cadre, clerk …) and docs are number 0's; a numbered county starts empty, with its admin.
  const numbered = await recordedCountyNumber(db);
  if (numbered) throw new DatabaseConfigError(`the demo county is unnumbered; a county with JIFEN_COUNTY_NUMBER=${numbered} starts with JIFEN_DEMO=0 (an empty county and its admin)`);
  console.log('[jifen] empty database: loading the demo county ...');
  if (isSqlite(db)) return seedDemoCounty(db, { scryptN: config.scryptN, config });
  const pg = readDatabaseEnv();
  if (!pg) throw new Error('a PostgreSQL database but no JIFEN_DATABASE_URL');
  const dir = mkdtempSync(join(tmpdir(), 'jifen-demo-'));
  try {
    const file = join(dir, 'demo.db');
    const lite = openDb({ file });
    // Photos and checkpoint signatures are made with the PostgreSQL deployment's own folder and key.
    await seedDemoCounty(lite, { scryptN: config.scryptN, config });
    await closeDb(lite);
    const copied = await copySqliteToPg({ from: file, to: pg.url });
    console.log(`[jifen] demo county copied into PostgreSQL: ${copied.rows} rows, ${copied.chainsChecked} village chains checked`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runEntry(() => startServer({ onEmptyDatabase: demo ? loadDemo : undefined }));
