/**
 * Run by import-hardening.test.ts with the tsx CLI, as `npm start` runs the server: parses each file
 * given on the command line through the worker and prints the rows as JSON.
 */
import { readFileSync } from 'node:fs';
import { parseInWorker } from '../../../server/modules/excel/parseInWorker';

const results = [];
for (const path of process.argv.slice(2)) {
  results.push(await parseInWorker({ filename: path, bytes: readFileSync(path), requiredHeader: ['户主姓名'], aliases: {}, sheetNames: ['农户名单'] }));
}
process.stdout.write(JSON.stringify(results));
