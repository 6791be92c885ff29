import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { closeDb, openDb } from '../db/client';
import { copySqliteToPg, CopyRefused, type CopyProgress } from '../db/copy/sqliteToPg';
import { COUNTY_ID_SPAN } from '../db/idRange';
import { migratePg } from '../db/pg/migrate';
import { finishBulkLoad } from '../db/seed';
import { sqlOf } from '../db/sql';
import { generateCounty, tableCounts, writeSeedAudit } from './generate';

/**
 * `npm run seed -- --counties N --households H` into PostgreSQL: a generated province. Each county is made by
 * the SQLite generator (fast) in a temporary file under its own number k, so its ids lie in [k·10^10,
 * (k+1)·10^10) and its usernames are c<k>-…, then joined into the target by COPY (db/copy), which verifies it
 * there; the temporary file goes.
 */
export interface ProvinceOptions {
  /** postgres:// URL of the target (migrated here if it is not yet). */
  to: string;
  counties: number;
  households: number;
  months: number;
  seed: number;
  now: Date;
  passwordHash: string;
  villages?: number;
  townships?: number;
  /** Add the counties to a target that already holds some (numbered after the highest there); else it must be empty. */
  join?: boolean;
  log?: (line: string) => void;
  onProgress?: (county: number, p: CopyProgress) => void;
}

export interface ProvinceCounty {
  number: number;
  name: string;
  countyId: number;
  rows: number;
  generateSeconds: number;
  copySeconds: number;
  /** Rows per second of the COPY phase alone, and of the whole join (verifying both sides included). */
  copyRate: number;
  joinRate: number;
}

export interface ProvinceSummary {
  counties: ProvinceCounty[];
  rows: number;
  seconds: number;
  copySeconds: number;
}

/** The county names of a generated province: 测试县1, 测试县2 … (the generator names every county alike). */
export const provinceCountyName = (k: number) => `测试县${k}`;

async function firstFreeNumber(url: string, join: boolean): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ n: string; hi: string | null }>('SELECT COUNT(*) AS n, MAX(id) AS hi FROM areas');
    if (Number(r.rows[0].n) && !join) {
      throw new CopyRefused(`the target already holds ${r.rows[0].n} areas: seed a province only into a new database, or add counties to it with --join`);
    }
    // County k's ids start at k·10^10: the next number is past the highest county already there (0 included).
    return r.rows[0].hi === null ? 1 : Math.floor(Number(r.rows[0].hi) / COUNTY_ID_SPAN) + 1;
  } finally {
    await client.end();
  }
}

export async function seedProvince(opts: ProvinceOptions): Promise<ProvinceSummary> {
  const log = opts.log ?? (() => {});
  const started = Date.now();
  await migratePg(opts.to);
  const first = await firstFreeNumber(opts.to, opts.join ?? false);
  const dir = mkdtempSync(join(tmpdir(), 'jifen-province-'));
  const out: ProvinceCounty[] = [];
  try {
    for (let i = 0; i < opts.counties; i++) {
      const k = first + i;
      const name = provinceCountyName(k);
      const file = join(dir, `county-${k}.db`);
      const t0 = Date.now();
      const db = openDb({ file });
      let countyId: number;
      try {
        const county = await generateCounty(db, {
          households: opts.households,
          months: opts.months,
          villages: opts.villages,
          townships: opts.townships,
          seed: opts.seed,
          countyNumber: k,
          now: opts.now,
          passwordHash: opts.passwordHash,
          writer: 'bulk',
        });
        countyId = county.countyId;
        // Before anyone sees the county: a province's counties need distinct names (the join refuses twins).
        await sqlOf(db).run('UPDATE areas SET name = ? WHERE id = ?', [name, countyId]);
        const counts = await tableCounts(db);
        await writeSeedAudit(db, opts.now, 'generated', { county: name, countyNumber: k, households: opts.households, months: opts.months, seed: opts.seed, now: opts.now.toISOString(), ...counts });
        finishBulkLoad(db);
      } finally {
        await closeDb(db);
      }
      const generateSeconds = (Date.now() - t0) / 1000;
      log(`[seed] county ${k} ${name}: generated in ${generateSeconds.toFixed(1)} s; joining it by COPY …`);
      // A province this run began in an empty database is nobody else's yet: foreign keys are checked once per table.
      const s = await copySqliteToPg({ from: file, to: opts.to, join: true, deferForeignKeys: !opts.join, onProgress: (p) => opts.onProgress?.(k, p) });
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      const c: ProvinceCounty = {
        number: k,
        name,
        countyId,
        rows: s.rowsCopiedNow,
        generateSeconds,
        copySeconds: s.copySeconds,
        copyRate: s.copySeconds > 0 ? Math.round(s.rowsCopiedNow / s.copySeconds) : s.rowsCopiedNow,
        joinRate: s.seconds > 0 ? Math.round(s.rowsCopiedNow / s.seconds) : s.rowsCopiedNow,
      };
      out.push(c);
      log(
        `[seed] county ${k} ${name}: ${c.rows.toLocaleString('en')} rows; COPY ${c.copySeconds.toFixed(1)} s (${c.copyRate.toLocaleString('en')} rows/s), ` +
          `join with both verifies ${s.seconds.toFixed(1)} s (${c.joinRate.toLocaleString('en')} rows/s); ${s.chainsChecked} village chains equal to the generated ones`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = out.reduce((a, c) => a + c.rows, 0);
  return { counties: out, rows, seconds: (Date.now() - started) / 1000, copySeconds: out.reduce((a, c) => a + c.copySeconds, 0) };
}
