import { dirname, resolve } from 'node:path';
import { closeDb, dbFileName, openAsIs, openPgDb, type Db } from '../../db/client';
import { evidenceDirFor } from '../../db/evidence/files';
import { formatChainHeads, formatVerdict, verifyDatabase, type VerifyResult } from '../../db/verify';
import { DatabaseConfigError, readDatabaseEnv, readServerEnv } from '../config';
import { dbFileFromArgs, requireFile } from './dbFile';

// `npm run verify [-- --db file]`: each village chain's verified head, then a one-line verdict; exit 0 only when every
// check passes. With JIFEN_DATABASE_URL set it verifies that PostgreSQL database instead of the SQLite file.

async function verifyPg(url: string): Promise<VerifyResult> {
  // The data folder is where the server keeps what is not in the database (photos): beside where its SQLite file would be.
  const dataDir = dirname(resolve(readServerEnv().dbFile));
  // Not migrated: the verifier checks the database as it is and never changes it.
  const db: Db = await openPgDb({ url, dataDir, migrate: false, poolSize: 1 });
  try {
    return await verifyDatabase(db, { evidenceDir: evidenceDirFor(dbFileName(db)) });
  } finally {
    await closeDb(db);
  }
}

async function verifySqlite(file: string): Promise<VerifyResult> {
  requireFile(file, 'database');
  // Opened without migrating: the verifier checks the file as it is and never changes it.
  const client = openAsIs(file);
  try {
    // Photos are checked in the database's evidence folder (JIFEN_EVIDENCE_DIR, else evidence/ beside the file).
    return await verifyDatabase(client, { evidenceDir: evidenceDirFor(file) });
  } finally {
    client.close();
  }
}

let pg: ReturnType<typeof readDatabaseEnv>;
try {
  pg = readDatabaseEnv();
} catch (err) {
  if (!(err instanceof DatabaseConfigError)) throw err;
  console.error(`FAIL ${err.message}`);
  process.exit(2);
}
const result = pg ? await verifyPg(pg.url) : await verifySqlite(dbFileFromArgs(process.argv.slice(2)));
if (result.ok) for (const line of formatChainHeads(result)) console.log(line);
console.log(formatVerdict(result));
process.exit(result.ok ? 0 : 1);
