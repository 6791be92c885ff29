import { parseArgs } from 'node:util';
import { copySqliteToPg, CopyRefused, type CopyProgress } from '../../db/copy/sqliteToPg';

/**
 * `npm run db:copy -- --from data/jifen.db --to postgres://… [--join]` moves a county into an empty, migrated
 * PostgreSQL database, or with --join into one that already serves other counties (refused, before anything is
 * written, if any id or other unique value of the county is taken there). Exit 0 with a summary; exit 1 with
 * the reason when the copy is refused or fails (run it again after a crash: it resumes). `--batch N` sets rows
 * per COPY and per committed chunk.
 */

function usage(message: string): never {
  console.error(`db:copy: ${message}\nusage: npm run db:copy -- --from <sqlite file> --to <postgres://user@host/db> [--join] [--batch <rows>]`);
  process.exit(1);
}

// The URL may carry a password: print only where it points.
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(the --to URL)';
  }
}

const { values } = parseArgs({
  options: { from: { type: 'string' }, to: { type: 'string' }, batch: { type: 'string' }, join: { type: 'boolean', default: false } },
  allowPositionals: false,
  strict: true,
});
if (!values.from) usage('--from <sqlite file> is required');
if (!values.to) usage('--to <postgres URL> is required');
if (!/^postgres(ql)?:\/\//.test(values.to)) usage('--to must be a postgres:// or postgresql:// URL');
const batch = values.batch === undefined ? undefined : Number(values.batch);
if (batch !== undefined && (!Number.isInteger(batch) || batch < 1 || batch > 1_000_000)) usage('--batch must be a whole number from 1 to 1000000');

const tty = Boolean(process.stdout.isTTY);
let lastLine = 0;
let lastTable = '';
const pct = (done: number, total: number) => (total ? Math.floor((done / total) * 100) : 100);

function onProgress(p: CopyProgress): void {
  const label = p.phase === 'copy' ? `copy ${p.table}` : p.phase === 'verify' ? 'verify chains' : 'set sequences';
  if (tty) {
    const width = 30;
    const filled = Math.round((pct(p.rowsDone, p.rowsTotal) / 100) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct(p.rowsDone, p.rowsTotal)}% ${p.rowsDone.toLocaleString('en')}/${p.rowsTotal.toLocaleString('en')} ${label}`;
    process.stdout.write(`\r${line.padEnd(100).slice(0, Math.max(100, line.length))}`);
    return;
  }
  // Plain lines for logs: a new table or phase, and at most one a second in between.
  const now = Date.now();
  const key = `${p.phase}:${p.table}`;
  if (key === lastTable && now - lastLine < 1000) return;
  lastTable = key;
  lastLine = now;
  console.log(`[db:copy] ${label}: ${p.tableDone.toLocaleString('en')}/${p.tableRows.toLocaleString('en')} (all: ${p.rowsDone.toLocaleString('en')}/${p.rowsTotal.toLocaleString('en')}, ${pct(p.rowsDone, p.rowsTotal)}%)`);
}

try {
  console.log(`[db:copy] ${values.from} → ${describeUrl(values.to)}: verifying the source first (every chain, balance and stock level) …`);
  // A fresh target is the copy's alone, so foreign keys are checked once per table; a joined one is serving other counties.
  const s = await copySqliteToPg({ from: values.from, to: values.to, join: values.join, deferForeignKeys: !values.join, batchRows: batch, onProgress });
  if (tty) process.stdout.write('\n');
  for (const t of s.tables) console.log(`  ${t.name.padEnd(28)} ${t.rows.toLocaleString('en').padStart(12)}`);
  if (s.chainTriggerOff) console.log(`[db:copy] the ledger's insert check was off inside each ledger batch's own transaction (the role owns the table): ${s.chainTriggerOff}`);
  for (const n of s.notCopied) console.log(`[db:copy] joined: ${n.rows.toLocaleString('en')} rows of ${n.table} not copied (${n.why})`);
  if (s.foreignKeysPerRow) console.log(`[db:copy] foreign keys were checked row by row: ${s.foreignKeysPerRow}`);
  if (s.replica) console.log(`[db:copy] triggers and foreign-key checks were off for the copy session (session_replication_role = replica): ${s.replica}`);
  const rate = (seconds: number) => (seconds > 0 ? Math.round(s.rowsCopiedNow / seconds) : s.rowsCopiedNow).toLocaleString('en');
  console.log(
    `[db:copy] OK ${s.rows.toLocaleString('en')} rows in ${s.tables.length} tables (${s.rowsCopiedNow.toLocaleString('en')} copied by this run${s.resumed ? ', resuming an earlier run' : ''}${s.joined ? ', joined beside the counties already there' : ''}), ` +
      `${s.chainsChecked} village chain heads and ${s.entriesChecked.toLocaleString('en')} ledger entries recomputed on PostgreSQL and equal to the source's, ` +
      `sequences set; COPY ${s.copySeconds.toFixed(1)} s (${rate(s.copySeconds)} rows/s), ${s.seconds.toFixed(1)} s in all (${rate(s.seconds)} rows/s, verifying both sides included)`,
  );
  process.exit(0);
} catch (err) {
  if (tty) process.stdout.write('\n');
  if (err instanceof CopyRefused) console.error(`[db:copy] REFUSED ${err.message}`);
  else console.error(`[db:copy] FAILED ${err instanceof Error ? err.message : String(err)} (run it again: the copy resumes after its last committed batch)`);
  process.exit(1);
}
