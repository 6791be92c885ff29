import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatVerdict, verifyDatabase, type VerifyResult } from './verify';

/**
 * Whether a copy is as good as its database can be: verified, or verified except for text an old
 * version damaged (a lone surrogate, confirmed against the stored hash). That damage is permanent in
 * an append-only ledger, so refusing such copies would mean no usable backup, ever.
 */
export function isSoundCopy(v: VerifyResult): boolean {
  return v.ok || v.what === 'damaged_text';
}

/** The verdict line `backup` and `restore` print: known damage is a warning there, not a failure. */
export function copyVerdictLine(v: VerifyResult): string {
  const line = formatVerdict(v);
  return !v.ok && v.what === 'damaged_text' ? line.replace(/^FAIL /, 'WARN ') : line;
}

export interface BackupResult {
  verdict: VerifyResult;
  /** Where the copy was written: `dest`, or beside it when an unverified copy must not replace a file there. */
  written: string;
}

/**
 * Copies a live database into `dest` with SQLite's online backup while other processes keep writing
 * (WAL: the copy reads one snapshot, writers are not blocked). The copy is written beside `dest`,
 * switched to a rollback journal so it is one self-contained file, verified, and renamed into place.
 *
 * A copy that fails verification is still kept: a backup is a copy of the bytes, and one bad ledger
 * row must not leave an operator with no backup of everything else. Unless it is sound (isSoundCopy)
 * it never replaces an existing file, though (that may be the last good backup): if `dest` exists it
 * is written beside it as `<dest>.unverified-<time>`. The caller reports the verdict.
 */
export async function backupDatabase(sourceFile: string, dest: string, now = new Date()): Promise<BackupResult> {
  const source = new Database(sourceFile, { fileMustExist: true });
  source.pragma('busy_timeout = 5000');
  const partial = join(dirname(dest), `.${basename(dest)}.partial-${process.pid}`);
  try {
    // All pages in one step: a step that is interrupted by a write elsewhere would start over, so
    // under steady load small steps might never finish.
    await source.backup(partial, { progress: () => 1 << 30 });
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    source.close();
  }
  let verdict: VerifyResult;
  const copy = new Database(partial);
  try {
    copy.pragma('journal_mode = DELETE');
    verdict = verifySafely(copy);
  } finally {
    copy.close();
  }
  const written = isSoundCopy(verdict) || !existsSync(dest) ? dest : `${dest}.unverified-${now.toISOString().replace(/[:.]/g, '-')}`;
  fsyncFile(partial);
  renameSync(partial, written);
  fsyncFile(dirname(dest));
  return { verdict, written };
}

/** A verifier that crashes on a row it cannot read is a failed verification, not a lost backup. */
function verifySafely(db: Database.Database): VerifyResult {
  try {
    return verifyDatabase(db);
  } catch (err) {
    return { ok: false, what: 'error', table: 'sqlite', rowId: null, detail: `the verifier stopped: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class DatabaseInUse extends Error {}

/**
 * Throws DatabaseInUse when another connection (a running server) has the file open. In WAL mode
 * every open connection holds a shared lock on the WAL index, so an exclusive lock is only granted
 * when nobody else is attached. On success the WAL is folded into the file and removed.
 */
export function assertNotInUse(file: string): void {
  if (!existsSync(file)) return;
  const probe = new Database(file, { timeout: 0 });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE; COMMIT');
    probe.pragma('wal_checkpoint(TRUNCATE)');
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY' || (err as { code?: string }).code === 'SQLITE_LOCKED') {
      throw new DatabaseInUse(`${file} is in use (is the server still running? stop it first)`);
    }
    throw err;
  } finally {
    probe.close();
  }
}

export interface RestoreResult {
  verdict: VerifyResult;
  /** False when the backup was refused (it is not a sound copy) and nothing changed. */
  restored: boolean;
  /** Where the database that was replaced now lives (null when there was none). */
  replaced: string | null;
}

/**
 * Replaces `target` with a verified backup (or one whose only defect is known damaged text, see
 * isSoundCopy). Refuses a backup that fails verification otherwise, and a target
 * that a server still holds open. The swap is a rename within one directory, so the target is
 * always either the old database or the new one; the old one is kept beside it.
 */
export async function restoreDatabase(backupFile: string, target: string, now = new Date()): Promise<RestoreResult> {
  const check = new Database(backupFile, { fileMustExist: true, readonly: true });
  let verdict: VerifyResult;
  try {
    verdict = verifySafely(check);
  } finally {
    check.close();
  }
  if (!isSoundCopy(verdict)) return { verdict, restored: false, replaced: null };
  assertNotInUse(target);

  const dir = dirname(target);
  const staging = join(dir, `.${basename(target)}.restore-${process.pid}`);
  const source = new Database(backupFile, { readonly: true });
  try {
    // A page copy through SQLite, so a backup that still has its own WAL beside it is copied whole.
    await source.backup(staging);
  } finally {
    source.close();
  }
  fsyncFile(staging);
  let replaced: string | null = null;
  if (existsSync(target)) {
    replaced = `${target}.replaced-${now.toISOString().replace(/[:.]/g, '-')}`;
    linkSync(target, replaced);
  }
  // A WAL left from the old file must never be replayed onto the new one.
  rmSync(`${target}-wal`, { force: true });
  rmSync(`${target}-shm`, { force: true });
  renameSync(staging, target);
  fsyncFile(dir);
  return { verdict, restored: true, replaced };
}
