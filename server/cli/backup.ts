import { evidenceDirFor } from '../../db/evidence/files';
import { backupDatabase, copyVerdictLine, isSoundCopy } from '../../db/backup';
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
