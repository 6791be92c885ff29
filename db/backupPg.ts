import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import pg from 'pg';
import { backupEvidenceDir, isSoundCopy } from './backup';
import { closeDb, openPgDb, type Db } from './client';
import { copyEvidenceFiles } from './evidence/files';
import { photoHashes, verifyDatabase, type VerifyOptions, type VerifyResult } from './verify';

const MIN_MAJOR = 15;

/** A PostgreSQL backup or restore that was not attempted or could not finish; nothing was written or changed. */
export class PgBackupRefused extends Error {
  override name = 'PgBackupRefused';
}

/** Where a URL points, without its user's password: for messages. */
export function describePgUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(the database URL)';
  }
}

/** `text` with every form of the URL's password blanked: tool output may echo what it was given. */
export function redactPassword(text: string, url: string): string {
  let out = text;
  try {
    const u = new URL(url);
    const secrets = [u.password, u.searchParams.get('password') ?? ''].filter(Boolean);
    const decoded = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    for (const s of secrets) for (const form of new Set([s, decoded(s), encodeURIComponent(s)])) out = out.split(form).join('***');
  } catch {
    // not a URL: nothing we can recognise in it
  }
  return out;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/**
 * The URL for a libpq tool and its environment: the password moves to PGPASSWORD, because a command line is
 * readable by every user of the machine (ps) and an environment is not.
 */
function toolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  const password = u.password ? decodeURIComponent(u.password) : u.searchParams.get('password');
  if (password) env.PGPASSWORD = password;
  u.password = '';
  u.searchParams.delete('password');
  return { dbname: u.toString(), env };
}

function toolMajor(path: string): number {
  try {
    const out = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return Number(/\(PostgreSQL\)\s+(\d+)/.exec(out)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export interface PgTools {
  pgDump: string;
  pgRestore: string;
}

/**
 * pg_dump and pg_restore: JIFEN_PG_BINDIR, else the highest Debian /usr/lib/postgresql/<ver>/bin, else PATH; version
 * 15 or later (a pg_dump older than the server refuses to dump it, so the highest one installed is the one to use).
 */
export function findPgTools(env: NodeJS.ProcessEnv = process.env): PgTools {
  const dirs: string[] = [];
  if (env.JIFEN_PG_BINDIR) dirs.push(env.JIFEN_PG_BINDIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v) && Number(v) >= MIN_MAJOR).sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  for (const dir of dirs) {
    const pgDump = join(dir, 'pg_dump');
    const pgRestore = join(dir, 'pg_restore');
    if (toolMajor(pgDump) >= MIN_MAJOR && toolMajor(pgRestore) >= MIN_MAJOR) return { pgDump, pgRestore };
  }
  if (toolMajor('pg_dump') >= MIN_MAJOR && toolMajor('pg_restore') >= MIN_MAJOR) return { pgDump: 'pg_dump', pgRestore: 'pg_restore' };
  throw new PgBackupRefused(
    `no pg_dump and pg_restore of PostgreSQL ${MIN_MAJOR} or later found (looked in ${dirs.length ? `${dirs.join(', ')} and ` : ''}PATH). ` +
      'Install them (Debian: apt-get install postgresql-client) or set JIFEN_PG_BINDIR to the folder holding them.',
  );
}

/** Runs a libpq tool; rejects with its stderr (password blanked) when it fails. */
function runTool(path: string, args: string[], url: string): Promise<void> {
  const { dbname, env } = toolConnection(url);
  return new Promise((resolve, reject) => {
    const child = execFile(path, [...args, `--dbname=${dbname}`], { env, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, _stdout, stderr) => {
      leftovers.children.delete(child);
      // A tool killed by our signal handler is not a failed dump: the handler exits.
      if (interrupted) return;
      if (!err) return resolve();
      const why = (stderr.trim() || err.message).split('\n').slice(0, 8).join('\n');
      reject(new Error(`${basename(path)} failed: ${redactPassword(why, url)}`));
    });
    leftovers.children.add(child);
  });
}

async function withClient<T>(url: string, body: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'jifen-backup' });
  try {
    await client.connect();
  } catch (err) {
    throw new PgBackupRefused(`cannot connect to ${describePgUrl(url)}: ${redactPassword(err instanceof Error ? err.message : String(err), url)}`);
  }
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** A new empty database beside the one at `url`, with its encoding and locale; refused clearly without CREATEDB. */
async function createScratch(url: string): Promise<string> {
  const name = `jifen_verify_${Date.now().toString(36)}_${process.pid}_${randomBytes(3).toString('hex')}`;
  hookSignals();
  // Registered before it exists: a signal during CREATE DATABASE still drops it (IF EXISTS).
  leftovers.scratch.set(name, url);
  await withClient(url, async (c) => {
    const me = (await c.query<{ enc: string; collate: string; ctype: string; role: string }>(
      `SELECT pg_encoding_to_char(encoding) AS enc, datcollate AS collate, datctype AS ctype, current_user AS role FROM pg_database WHERE datname = current_database()`,
    )).rows[0];
    try {
      await c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0 ENCODING ${quoteLiteral(me.enc)} LC_COLLATE ${quoteLiteral(me.collate)} LC_CTYPE ${quoteLiteral(me.ctype)}`);
    } catch (err) {
      if ((err as { code?: string }).code === '42501') {
        throw new PgBackupRefused(
          `the role ${me.role} may not create databases: every dump is checked by restoring it into a scratch database on the same server ` +
            `and verifying it there. Grant it (ALTER ROLE ${quoteIdent(me.role)} CREATEDB) or run this as a role that has CREATEDB; nothing was written.`,
        );
      }
      throw err;
    }
  });
  return name;
}

async function dropScratch(url: string, name: string): Promise<void> {
  await withClient(url, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

/** What an interrupted run must not leave behind: scratch databases and half-written files. */
const leftovers = { scratch: new Map<string, string>(), paths: new Set<string>(), children: new Set<ChildProcess>() };
let signalsHooked = false;
let interrupted = false;

/** Once interrupted, the run goes no further than here: the signal handler cleans up and exits, nothing is renamed or reported. */
function unlessInterrupted(): Promise<void> {
  return interrupted ? new Promise<void>(() => undefined) : Promise.resolve();
}

/** Ctrl-C or a service stop mid-run: drop the scratch databases, remove partial files, then exit as killed. */
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    interrupted = true;
    void (async () => {
      // A pg_restore left running would finish a restore the operator just stopped; killed, its transaction rolls back.
      for (const child of leftovers.children) child.kill('SIGTERM');
      for (const [name, url] of leftovers.scratch) await dropScratch(url, name).catch(() => undefined);
      for (const path of leftovers.paths) rmSync(path, { recursive: true, force: true });
      console.error(`interrupted (${signal}): scratch databases dropped, partial files removed`);
      process.exit(code);
    })();
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
}

/** A verifier that crashes is a failed verification, not a lost backup. */
async function verifySafely(db: Db, opts: VerifyOptions): Promise<VerifyResult> {
  try {
    return await verifyDatabase(db, opts);
  } catch (err) {
    return { ok: false, what: 'error', table: 'postgresql', rowId: null, detail: `the verifier stopped: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Restores `dump` into a scratch database on the server at `url`, hands it to `body`, and drops it. A dump
 * pg_restore cannot load is a failed verification (`what: 'restore'`), not an error: the file is still kept.
 */
async function inScratch(url: string, tools: PgTools, dump: string, body: (db: Db) => Promise<VerifyResult>): Promise<VerifyResult> {
  const scratch = await createScratch(url);
  const scratchUrl = withDatabase(url, scratch);
  const dataDir = mkdtempSync(join(tmpdir(), 'jifen-verify-'));
  try {
    try {
      // Owner and grants are the live database's business; the scratch copy only has to be read.
      await runTool(tools.pgRestore, ['--no-owner', '--no-privileges', '--exit-on-error', dump], scratchUrl);
    } catch (err) {
      return { ok: false, what: 'restore', table: 'dump', rowId: null, detail: `the dump does not restore: ${err instanceof Error ? err.message : String(err)}` };
    }
    const db = await openPgDb({ url: scratchUrl, dataDir, migrate: false, poolSize: 2 });
    try {
      return await body(db);
    } finally {
      await closeDb(db);
    }
  } finally {
    await dropScratch(url, scratch);
    leftovers.scratch.delete(scratch);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface PgBackupResult {
  verdict: VerifyResult;
  /** `dest`, or `<dest>.unverified-<time>` for a dump that does not verify. */
  written: string;
}

/**
 * Dumps the PostgreSQL database at `url` with pg_dump (custom format, one consistent snapshot: safe while
 * servers write) beside `dest`, restores the dump into a scratch database on the same server, verifies it
 * there against the photos copied beside it (`<dest>.evidence`), drops the scratch database, and only then
 * renames the dump into place. A dump that does not verify is still kept, always as
 * `<dest>.unverified-<time>`, so the plain name only ever holds a verified dump.
 */
export async function backupPg(opts: { url: string; dest: string; evidenceDir: string; now?: Date; tools?: PgTools }): Promise<PgBackupResult> {
  const tools = opts.tools ?? findPgTools();
  const { dest } = opts;
  // Refused before the dump is taken: a role without CREATEDB could never verify one.
  const probe = await createScratch(opts.url);
  await dropScratch(opts.url, probe);
  leftovers.scratch.delete(probe);
  const partial = join(dirname(dest), `.${basename(dest)}.partial-${process.pid}`);
  const photos = join(dirname(dest), `.${basename(dest)}.evidence-partial-${process.pid}`);
  leftovers.paths.add(partial).add(photos);
  rmSync(partial, { force: true });
  rmSync(photos, { recursive: true, force: true });
  let verdict: VerifyResult;
  try {
    try {
      // The dump holds personal data: readable by its owner only, from its first byte.
      closeSync(openSync(partial, 'wx', 0o600));
      await runTool(tools.pgDump, ['--format=custom', `--file=${partial}`], opts.url);
    } catch (err) {
      throw new PgBackupRefused(`${err instanceof Error ? err.message : String(err)}; nothing was written`);
    }
    chmodSync(partial, 0o600);
    verdict = await inScratch(opts.url, tools, partial, async (db) => {
      // A photo missing or changed in the live folder is not copied: verification names it.
      copyEvidenceFiles(opts.evidenceDir, photos, await photoHashes(db));
      return verifySafely(db, { evidenceDir: photos });
    });
  } catch (err) {
    rmSync(partial, { force: true });
    rmSync(photos, { recursive: true, force: true });
    throw err;
  }
  await unlessInterrupted();
  const written = isSoundCopy(verdict) ? dest : `${dest}.unverified-${(opts.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`;
  fsyncPath(partial);
  renameSync(partial, written);
  // The photos of whatever dump was at this name before belong to the file just replaced.
  rmSync(backupEvidenceDir(written), { recursive: true, force: true });
  if (existsSync(photos)) renameSync(photos, backupEvidenceDir(written));
  fsyncPath(dirname(dest));
  leftovers.paths.delete(partial);
  leftovers.paths.delete(photos);
  return { verdict, written };
}

/** Rows the migrations themselves write: a freshly migrated database holds only these. */
const MIGRATION_ROWS: Record<string, string> = {
  data_version: 'FALSE',
  // The built-in county template's headings (0001_append_only.sql); an area's own headings are data.
  rule_headings: 'area_id IS NOT NULL',
};

/** Tables of the target with at least one row the migrations did not write: any schema, so a wrong database counts too. */
async function tablesWithRows(c: pg.Client): Promise<string[]> {
  const tables = (await c.query<{ schema: string; name: string }>(
    `SELECT schemaname AS schema, tablename AS name FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'drizzle') ORDER BY schemaname, tablename`,
  )).rows;
  const out: string[] = [];
  for (const t of tables) {
    const name = t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
    const own = t.schema === 'public' ? MIGRATION_ROWS[t.name] : undefined;
    try {
      const r = await c.query(`SELECT 1 FROM ${quoteIdent(t.schema)}.${quoteIdent(t.name)}${own ? ` WHERE ${own}` : ''} LIMIT 1`);
      if (r.rowCount) out.push(name);
    } catch {
      // A table we may not read could hold anything.
      out.push(name);
    }
  }
  return out;
}

/** Other client sessions on the target (running servers): a restore under them would swap the data they cache. */
async function otherSessions(c: pg.Client): Promise<number> {
  const r = await c.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  return r.rows[0].n;
}

export interface PgRestoreResult {
  /** The dump's verdict in its scratch database; null when the target was refused before the dump was checked. */
  verdict: VerifyResult | null;
  restored: boolean;
  /** Why nothing changed, when `restored` is false and the dump itself verified. */
  refused?: string;
  /** The target verified after the restore. */
  target?: VerifyResult;
}

/**
 * Restores a dump written by backupPg into the database at `url`. Refuses, changing nothing: a target other
 * sessions are connected to (stop the servers first), a target that holds data unless `force`, and a dump that
 * does not verify in a scratch database against its photos (`<dump>.evidence`). The photos go into the live
 * folder first, then pg_restore --clean --if-exists runs as one transaction (the target is the old database or
 * the new one, never half of each), then the target is verified.
 */
export async function restorePg(opts: { url: string; dump: string; evidenceDir: string; force?: boolean; tools?: PgTools }): Promise<PgRestoreResult> {
  const tools = opts.tools ?? findPgTools();
  const where = describePgUrl(opts.url);
  const check = async (): Promise<string | null> =>
    withClient(opts.url, async (c) => {
      const sessions = await otherSessions(c);
      if (sessions) return `${where} is in use: ${sessions} other session${sessions > 1 ? 's are' : ' is'} connected (stop the servers first)`;
      if (opts.force) return null;
      const full = await tablesWithRows(c);
      if (full.length) {
        return `${where} holds data (${full.length} table${full.length > 1 ? 's' : ''} with rows: ${full.slice(0, 5).join(', ')}${full.length > 5 ? ', …' : ''}); ` +
          'restore into an empty database, or pass --force to replace it (take a backup of it first)';
      }
      return null;
    });
  // The cheap refusals first: verifying a province's dump takes as long as restoring it.
  const before = await check();
  if (before) return { verdict: null, restored: false, refused: before };
  let hashes: string[] = [];
  const backupPhotos = backupEvidenceDir(opts.dump);
  const verdict = await inScratch(opts.url, tools, opts.dump, async (db) => {
    const v = await verifySafely(db, { evidenceDir: backupPhotos });
    if (isSoundCopy(v)) hashes = await photoHashes(db);
    return v;
  });
  await unlessInterrupted();
  if (!isSoundCopy(verdict)) return { verdict, restored: false };
  const copied = copyEvidenceFiles(backupPhotos, opts.evidenceDir, hashes);
  // Verified a moment ago; a photo that changed since is a reason to stop before the database changes.
  if (copied.skipped.length) {
    const first = copied.skipped[0];
    return { verdict, restored: false, refused: `photo ${first.hash} in ${backupPhotos} is ${first.state}` };
  }
  // A server may have started while the dump was being verified.
  const now = await check();
  if (now) return { verdict, restored: false, refused: now };
  try {
    await runTool(tools.pgRestore, ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', opts.dump], opts.url);
  } catch (err) {
    return { verdict, restored: false, refused: `${err instanceof Error ? err.message : String(err)} (one transaction: ${where} is unchanged)` };
  }
  await unlessInterrupted();
  const dataDir = mkdtempSync(join(tmpdir(), 'jifen-restore-'));
  try {
    const db = await openPgDb({ url: opts.url, dataDir, migrate: false, poolSize: 2 });
    try {
      return { verdict, restored: true, target: await verifySafely(db, { evidenceDir: opts.evidenceDir }) };
    } finally {
      await closeDb(db);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
