import Database from 'better-sqlite3';
import { formatVerdict, verifyDatabase } from '../../db/verify';
import { dbFileFromArgs, requireFile } from './dbFile';

// `npm run verify [-- --db file]`: one line, exit 0 only when every check passes.
const file = dbFileFromArgs(process.argv.slice(2));
requireFile(file, 'database');
// Opened without migrating: the verifier checks the file as it is and never changes it.
const client = new Database(file, { fileMustExist: true });
client.pragma('busy_timeout = 5000');
const result = verifyDatabase(client);
client.close();
console.log(formatVerdict(result));
process.exit(result.ok ? 0 : 1);
