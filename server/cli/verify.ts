import { evidenceDirFor } from '../../db/evidence/files';
import { openAsIs } from '../../db/client';
import { formatChainHeads, formatVerdict, verifyDatabase } from '../../db/verify';
import { dbFileFromArgs, requireFile } from './dbFile';

// `npm run verify [-- --db file]`: each village chain's verified head, then a one-line verdict; exit 0 only when every check passes.
const file = dbFileFromArgs(process.argv.slice(2));
requireFile(file, 'database');
// Opened without migrating: the verifier checks the file as it is and never changes it.
const client = openAsIs(file);
// Photos are checked in the database's evidence folder (JIFEN_EVIDENCE_DIR, else evidence/ beside the file).
const result = verifyDatabase(client, { evidenceDir: evidenceDirFor(file) });
client.close();
if (result.ok) for (const line of formatChainHeads(result)) console.log(line);
console.log(formatVerdict(result));
process.exit(result.ok ? 0 : 1);
