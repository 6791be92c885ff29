import { evidenceDirFor } from '../../db/evidence/files';
import { copyVerdictLine, DatabaseInUse, restoreDatabase } from '../../db/backup';
import { dbFileFromArgs, positionalArgs, requireFile } from './dbFile';

// `npm run restore -- <file> [--db target]`: stop the server first; the backup is verified before anything changes.
const argv = process.argv.slice(2);
const [backup] = positionalArgs(argv);
if (!backup) {
  console.error('usage: npm run restore -- <backup-file> [--db <database>]');
  process.exit(2);
}
requireFile(backup, 'backup');
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
