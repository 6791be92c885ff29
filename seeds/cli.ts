/**
 * npm run seed -- --households 120000 --months 36 [--db path] [--villages V] [--townships T] [--seed S] [--county-number K] [--direct] [--audit] [--force]
 * Generates a county of that size (same generator as the demo county) into a database file; --audit
 * gives every generated write its audit row, as the demo county has (about three rows per award).
 *
 * npm run seed -- --counties N --households H [--months M] [--seed S] [--to postgres://… | JIFEN_DATABASE_URL] [--join]
 * Generates a province of N counties (numbered after the highest in the target, 1 in an empty one, each of H
 * households, named 测试县k) into PostgreSQL: each county in a temporary SQLite file, then joined by COPY.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isEmptyDatabase } from '../db/bootstrap';
import { closeDb, openDb } from '../db/client';
import { parseCountyNumber } from '../db/idRange';
import { finishBulkLoad } from '../db/seed';
import { hashPassword } from '../server/lib/password';
import { DEMO_PASSWORD } from './demo';
import { generateCounty, tableCounts, writeSeedAudit } from './generate';
import { seedProvince } from './province';

function fail(message: string): never {
  console.error(`[seed] ${message}`);
  process.exit(1);
}

function positive(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} needs a positive whole number (got ${value ?? 'nothing'})`);
  return n;
}

async function main() {
  const { values } = parseArgs({
    options: {
      households: { type: 'string' },
      months: { type: 'string' },
      villages: { type: 'string' },
      townships: { type: 'string' },
      seed: { type: 'string' },
      'county-number': { type: 'string' },
      db: { type: 'string' },
      now: { type: 'string' },
      direct: { type: 'boolean', default: false },
      audit: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      counties: { type: 'string' },
      to: { type: 'string' },
      join: { type: 'boolean', default: false },
    },
  });
  const households = positive('households', values.households);
  const months = positive('months', values.months, 12);
  const villages = values.villages === undefined ? undefined : positive('villages', values.villages);
  const townships = values.townships === undefined ? undefined : positive('townships', values.townships);
  const seed = positive('seed', values.seed, 20240601);
  let countyNumber: number | undefined;
  try {
    countyNumber = values['county-number'] === undefined ? undefined : parseCountyNumber(values['county-number'], '--county-number');
  } catch (err) {
    fail((err as Error).message);
  }
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) fail(`--now is not a date: ${values.now}`);
  if (values.counties !== undefined || values.to !== undefined) {
    await province({ ...values, counties: values.counties ?? '1' }, { households, months, villages, townships, seed, now });
    return;
  }
  const file = values.db ?? process.env.JIFEN_DB ?? 'data/jifen.db';

  if (existsSync(file)) {
    const existing = openDb({ file });
    const empty = await isEmptyDatabase(existing);
    await closeDb(existing);
    if (!empty && !values.force) fail(`${file} already holds data; pass --force to replace it`);
    if (!empty) for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }

  const started = Date.now();
  const db = openDb({ file });
  // Every generated staff account shares one hash: hashing 2,000 passwords at full cost would take minutes.
  const passwordHash = await hashPassword(DEMO_PASSWORD, Number(process.env.JIFEN_SCRYPT_N ?? 2 ** 17));
  console.log(`[seed] generating ${households.toLocaleString('en')} households × ${months} months into ${file}`);
  const county = await generateCounty(db, {
    households,
    months,
    villages,
    townships,
    seed,
    countyNumber,
    now,
    passwordHash,
    writer: values.direct ? 'direct' : 'bulk',
    auditHistory: values.audit,
    onProgress: (line) => console.log(line),
  });
  console.log(`[seed] indexes built (${((Date.now() - started) / 1000).toFixed(1)} s since start)`);
  const counts = await tableCounts(db);
  await writeSeedAudit(db, now, 'generated', { households, months, villages: county.villages.length, townships: county.townshipIds.length, seed, now: now.toISOString(), ...counts });
  finishBulkLoad(db);
  await closeDb(db);
  const seconds = (Date.now() - started) / 1000;
  const mb = statSync(file).size / 1024 / 1024;
  console.log(`[seed] done in ${seconds.toFixed(1)} s: ${Object.entries(counts).map(([k, n]) => `${k} ${n.toLocaleString('en')}`).join(', ')}`);
  console.log(`[seed] ${file}: ${mb.toFixed(0)} MB; staff accounts cadre, reviewer, clerk (…2, 3, …), township, county — password ${DEMO_PASSWORD}`);
}

async function province(
  values: { counties: string; to?: string; join: boolean; db?: string; 'county-number'?: string; direct: boolean; audit: boolean },
  size: { households: number; months: number; villages?: number; townships?: number; seed: number; now: Date },
): Promise<void> {
  const counties = positive('counties', values.counties);
  const to = values.to ?? process.env.JIFEN_DATABASE_URL?.trim();
  if (!to) fail('--counties writes a province into PostgreSQL: give --to postgres://… or set JIFEN_DATABASE_URL');
  if (!/^postgres(ql)?:\/\//.test(to)) fail('--to must be a postgres:// or postgresql:// URL');
  if (values.db || values['county-number'] || values.direct || values.audit) fail('--db, --county-number, --direct and --audit are for one county into SQLite, not with --counties');
  const passwordHash = await hashPassword(DEMO_PASSWORD, Number(process.env.JIFEN_SCRYPT_N ?? 2 ** 17));
  const where = (() => {
    const u = new URL(to);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  })();
  console.log(`[seed] a province of ${counties} counties × ${size.households.toLocaleString('en')} households × ${size.months} months into PostgreSQL ${where}`);
  try {
    const s = await seedProvince({ to, counties, ...size, passwordHash, join: values.join, log: (line) => console.log(line) });
    const rate = (rows: number, seconds: number) => (seconds > 0 ? Math.round(rows / seconds) : rows).toLocaleString('en');
    console.log(
      `[seed] done: ${s.counties.length} counties (${s.counties.map((c) => `${c.name} #${c.number}`).join(', ')}), ${s.rows.toLocaleString('en')} rows; ` +
        `COPY ${s.copySeconds.toFixed(1)} s (${rate(s.rows, s.copySeconds)} rows/s), ${s.seconds.toFixed(1)} s in all with generating and verifying (${rate(s.rows, s.seconds)} rows/s)`,
    );
    console.log(`[seed] staff accounts c<k>-county, c<k>-township, c<k>-cadre, c<k>-clerk … (k = the county's number) — password ${DEMO_PASSWORD}`);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
