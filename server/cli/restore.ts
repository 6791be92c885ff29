import { evidenceDirFor } from '../../db/evidence/files';
import { copyVerdictLine, DatabaseInUse, isSoundCopy, restoreDatabase } from '../../db/backup';
import { describePgUrl, PgBackupRefused, restorePg } from '../../db/backupPg';
import { formatChainHeads } from '../../db/verify';
import { DatabaseConfigError, readDatabaseEnv, readServerEnv } from '../config';
import { dbFileFromArgs, positionalArgs, requireFile } from './dbFile';

// `npm run restore -- <file> [--db target]`: stop the server first; the backup is verified before anything changes.
const argv = process.argv.slice(2);
const [backup] = positionalArgs(argv);
if (!backup) {
  console.error('usage: npm run restore -- <backup-file> [--db <database>] (with JIFEN_DATABASE_URL: [--force] to replace a database that holds data)');
  process.exit(2);
}
requireFile(backup, 'backup');

let pgEnv: ReturnType<typeof readDatabaseEnv>;
try {
  pgEnv = readDatabaseEnv();
} catch (err) {
  if (!(err instanceof DatabaseConfigError)) throw err;
  console.error(`FAIL ${err.message}`);
  process.exit(2);
}
if (pgEnv) {
  if (argv.includes('--db')) {
    console.error('FAIL --db names a SQLite file, but JIFEN_DATABASE_URL is set: the restore would be into PostgreSQL');
    process.exit(2);
  }
  // With JIFEN_DATABASE_URL: a pg_dump file from npm run backup, verified in a scratch database first; photos into JIFEN_DB's folder.
  const where = describePgUrl(pgEnv.url);
  try {
    const r = await restorePg({ url: pgEnv.url, dump: backup, evidenceDir: evidenceDirFor(readServerEnv().dbFile), force: argv.includes('--force') });
    if (r.verdict && !isSoundCopy(r.verdict)) {
      console.log(`${copyVerdictLine(r.verdict)}; backup refused, ${where} unchanged`);
      process.exit(1);
    }
    if (!r.restored || !r.target) {
      console.log(`FAIL restore refused: ${r.refused ?? 'unknown reason'}; ${where} unchanged`);
      process.exit(1);
    }
    if (r.target.ok) for (const line of formatChainHeads(r.target)) console.log(line);
    if (!isSoundCopy(r.target)) {
      console.log(`${copyVerdictLine(r.target)}; restored into ${where}, but it does not verify there (run npm run verify)`);
      process.exit(1);
    }
    console.log(`${copyVerdictLine(r.target)}; restored into ${where}`);
    process.exit(0);
  } catch (err) {
    if (!(err instanceof PgBackupRefused)) throw err;
    console.log(`FAIL restore into ${where}: ${err.message}`);
    process.exit(1);
  }
}
const target = dbFileFromArgs(argv);
try {
  const { verdict, restored, replaced } = await restoreDatabase(backup, target, new Date(), { evidenceDir: evidenceDirFor(target) });
  if (!restored) {
    console.log(`${copyVerdictLine(verdict)}; backup refused, ${target} unchanged`);
    process.exit(1);
  }
  console.log(`${copyVerdictLine(verdict)}; restored to ${target}${replaced ? ` (previous database kept as ${replaced})` : ''}`);
} catch (err) {
  if (err instanceof DatabaseInUse) {
    console.log(`FAIL in_use at ${target} row -: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
