import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { migrationsFolder } from '../db/client';
import { generateSmallCounty } from './smallCounty';

export const root = resolve(import.meta.dirname, '..');
export const cacheDir = join(root, 'bench', 'cache');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** Changes whenever a migration is added or edited, so a stale schema is never benchmarked. */
function migrationsHash(): string {
  const h = createHash('sha256');
  for (const f of filesUnder(migrationsFolder)) h.update(f.slice(migrationsFolder.length)).update(readFileSync(f));
  return h.digest('hex').slice(0, 12);
}

function removeDb(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

/** Folds the WAL into the main file so the cached county is one self-contained file. */
function checkpoint(file: string): void {
  const client = new Database(file);
  client.pragma('wal_checkpoint(TRUNCATE)');
  client.close();
}

export interface CountyFile {
  file: string;
  generator: 'seeds/cli.ts' | 'bench/smallCounty.ts';
  /** Seconds spent generating in this run; null when the cached file was reused. */
  generatedSeconds: number | null;
  ledgerRows: number;
  sizeMb: number;
  /** Generated under older migrations and migrated forward (--reuse-stale): tables added since are empty. */
  stale: boolean;
}

/**
 * The county under test, generated once per (parameters, generator, migrations) and cached in
 * bench/cache/. Uses the project's seed generator (seeds/cli.ts); `small` uses the harness's own
 * tiny generator for debugging.
 */
export function ensureCounty(opts: { households: number; months: number; small: boolean; reuseStale?: boolean }): CountyFile {
  mkdirSync(cacheDir, { recursive: true });
  const useSeed = !opts.small && existsSync(join(root, 'seeds', 'cli.ts'));
  const generator = useSeed ? 'seeds/cli.ts' : 'bench/smallCounty.ts';
  const tag = useSeed ? 'seed' : 'small';
  const prefix = `county-${tag}-h${opts.households}-m${opts.months}-`;
  let file = join(cacheDir, `${prefix}${migrationsHash()}.db`);
  let generatedSeconds: number | null = null;
  let stale = false;
  if (!existsSync(file) && opts.reuseStale) {
    // Migrations only ever get added, so an older county can be migrated forward instead of regenerated.
    const older = readdirSync(cacheDir)
      .filter((f) => f.startsWith(prefix) && f.endsWith('.db'))
      .map((f) => join(cacheDir, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (older) {
      console.warn(`[bench] --reuse-stale: using ${older}, generated under older migrations (the working copy is migrated forward)`);
      file = older;
      stale = true;
    }
  }
  if (!existsSync(file)) {
    const tmp = `${file}.tmp`;
    removeDb(tmp);
    console.log(`[bench] generating ${opts.households} households × ${opts.months} months with ${generator} ...`);
    const started = Date.now();
    if (useSeed) {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', join('seeds', 'cli.ts'), '--households', String(opts.households), '--months', String(opts.months), '--db', tmp],
        { cwd: root, stdio: 'inherit', env: { ...process.env, JIFEN_SCRYPT_N: process.env.JIFEN_SCRYPT_N ?? '1024' } },
      );
      if (r.status !== 0) throw new Error(`seed generator failed (exit ${r.status})`);
    } else {
      generateSmallCounty(tmp, opts);
    }
    checkpoint(tmp);
    rmSync(`${tmp}-shm`, { force: true });
    renameSync(tmp, file);
    generatedSeconds = (Date.now() - started) / 1000;
    console.log(`[bench] generated in ${generatedSeconds.toFixed(1)} s`);
  }
  const client = new Database(file, { readonly: true });
  const ledgerRows = (client.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM ledger_entries').get() as { n: number }).n;
  client.close();
  return { file, generator, generatedSeconds, ledgerRows, sizeMb: statSync(file).size / 1048576, stale };
}

/** A throwaway copy the bench may write to; the cached county stays pristine. */
export function workingCopy(source: string): string {
  const file = join(cacheDir, 'work.db');
  removeDb(file);
  copyFileSync(source, file, constants.COPYFILE_FICLONE);
  return file;
}

export { removeDb };
