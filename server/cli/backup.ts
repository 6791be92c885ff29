import { backupDatabase } from '../../db/backup';
import { formatVerdict } from '../../db/verify';
import { dbFileFromArgs, positionalArgs, requireFile } from './dbFile';

// `npm run backup -- <file> [--db source]`: safe while the server runs.
const argv = process.argv.slice(2);
const [dest] = positionalArgs(argv);
if (!dest) {
  console.error('usage: npm run backup -- <backup-file> [--db <database>]');
  process.exit(2);
}
const source = dbFileFromArgs(argv);
requireFile(source, 'database');
const result = await backupDatabase(source, dest);
console.log(result.ok ? `${formatVerdict(result)}; backup written to ${dest}` : `${formatVerdict(result)}; no backup written`);
process.exit(result.ok ? 0 : 1);
