import { evidenceDirFor } from '../../db/evidence/files';
import { backupDatabase, copyVerdictLine, isSoundCopy } from '../../db/backup';
import { backupPg, describePgUrl, PgBackupRefused } from '../../db/backupPg';
import { formatChainHeads } from '../../db/verify';
import { DatabaseConfigError, readDatabaseEnv, readServerEnv } from '../config';
import { dbFileFromArgs, positionalArgs, requireFile } from './dbFile';

// `npm run backup -- <file> [--db source]`: safe while the server runs.
// Exit 0: a verified backup written (a WARN line when it holds text an old version damaged, which no
// backup can repair). Exit 3: a complete copy written, but it fails verification: alert someone; the
// copy is still the best backup there is. Anything else: no backup written.
const argv = process.argv.slice(2);
const [dest] = positionalArgs(argv);
if (!dest) {
  console.error('usage: npm run backup -- <backup-file> [--db <database>]');
  process.exit(2);
}

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
    console.error('FAIL --db names a SQLite file, but JIFEN_DATABASE_URL is set: the backup would be of PostgreSQL');
    process.exit(2);
  }
  // With JIFEN_DATABASE_URL: pg_dump to <file>, verified in a scratch database before it takes the name; photos from JIFEN_DB's folder.
  const where = describePgUrl(pgEnv.url);
  try {
    const { verdict, written } = await backupPg({ url: pgEnv.url, dest, evidenceDir: evidenceDirFor(readServerEnv().dbFile) });
    if (verdict.ok) for (const line of formatChainHeads(verdict)) console.log(line);
    if (isSoundCopy(verdict)) {
      console.log(`${copyVerdictLine(verdict)}; backup of ${where} written to ${written}`);
      process.exit(0);
    }
    console.log(
      `${copyVerdictLine(verdict)}; dump written to ${written} anyway: a complete dump of ${where}, but it fails verification. ` +
        'Find the cause before relying on it (npm run verify; README, Backups); npm run restore refuses this dump.',
    );
    process.exit(3);
  } catch (err) {
    if (!(err instanceof PgBackupRefused)) throw err;
    console.log(`FAIL backup of ${where}: ${err.message}`);
    process.exit(1);
  }
}
const source = dbFileFromArgs(argv);
requireFile(source, 'database');
// The photos go beside the copy (<backup-file>.evidence), checked against their hashes.
const { verdict, written } = await backupDatabase(source, dest, new Date(), { evidenceDir: evidenceDirFor(source) });
if (isSoundCopy(verdict)) {
  console.log(`${copyVerdictLine(verdict)}; backup written to ${written}`);
  process.exit(0);
}
console.log(
  `${copyVerdictLine(verdict)}; backup written to ${written} anyway: a complete copy of ${source}, but that database fails verification. ` +
    'Find the cause before relying on it (npm run verify; README, Backups); npm run restore refuses this copy.',
);
process.exit(3);
