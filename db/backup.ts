import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { copyEvidenceFiles } from './evidence/files';
import { formatVerdict, photoHashes, verifyDatabase, type VerifyOptions, type VerifyResult } from './verify';

/** A backup's photos sit beside it: `<backup>.evidence/ab/cdef…`, the same layout as the live folder. */
export function backupEvidenceDir(backupFile: string): string {
  return `${backupFile}.evidence`;
}

export interface EvidenceOptions {
  /** The live database's evidence folder: its photos are copied with the backup (or restored into it). */
  evidenceDir?: string;
}

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
 *
 * Given the evidence folder, every photo the copy records is copied (each checked against its hash)
 * into `<written>.evidence`, and the copy is verified against those files.
 */
export async function backupDatabase(sourceFile: string, dest: string, now = new Date(), opts: EvidenceOptions = {}): Promise<BackupResult> {
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
  const photos = opts.evidenceDir === undefined ? null : join(dirname(dest), `.${basename(dest)}.evidence-partial-${process.pid}`);
  const copy = new Database(partial);
  try {
    copy.pragma('journal_mode = DELETE');
    if (photos) {
      rmSync(photos, { recursive: true, force: true });
      // A photo missing or changed at the source is not copied: verification below names it.
      copyEvidenceFiles(opts.evidenceDir!, photos, await photoHashes(copy));
    }
    verdict = await verifySafely(copy, photos ? { evidenceDir: photos } : {});
  } catch (err) {
    if (photos) rmSync(photos, { recursive: true, force: true });
    rmSync(partial, { force: true });
    throw err;
  } finally {
    copy.close();
  }
  const written = isSoundCopy(verdict) || !existsSync(dest) ? dest : `${dest}.unverified-${now.toISOString().replace(/[:.]/g, '-')}`;
  fsyncFile(partial);
  renameSync(partial, written);
  if (photos) {
    // The photos of whatever backup was at this name before belong to the file just replaced.
    rmSync(backupEvidenceDir(written), { recursive: true, force: true });
    // No folder at all when the database records no photo.
    if (existsSync(photos)) renameSync(photos, backupEvidenceDir(written));
  }
  fsyncFile(dirname(dest));
  return { verdict, written };
}

/** A verifier that crashes on a row it cannot read is a failed verification, not a lost backup. */
async function verifySafely(db: Database.Database, opts: VerifyOptions = {}): Promise<VerifyResult> {
  try {
    return await verifyDatabase(db, opts);
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
 *
 * Given the target's evidence folder, the backup is verified against its own photos
 * (`<backup>.evidence`), which are copied into that folder before the database is swapped, so the
 * restored database never names a photo that is not there. Photos already there stay (content-addressed).
 */
export async function restoreDatabase(backupFile: string, target: string, now = new Date(), opts: EvidenceOptions = {}): Promise<RestoreResult> {
  const check = new Database(backupFile, { fileMustExist: true, readonly: true });
  const backupPhotos = backupEvidenceDir(backupFile);
  let verdict: VerifyResult;
  let hashes: string[] = [];
  try {
    verdict = await verifySafely(check, opts.evidenceDir === undefined ? {} : { evidenceDir: backupPhotos });
    if (opts.evidenceDir !== undefined && isSoundCopy(verdict)) hashes = await photoHashes(check);
  } finally {
    check.close();
  }
  if (!isSoundCopy(verdict)) return { verdict, restored: false, replaced: null };
  assertNotInUse(target);
  if (opts.evidenceDir !== undefined) {
    const copied = copyEvidenceFiles(backupPhotos, opts.evidenceDir, hashes);
    // Verified a moment ago; a file that changed since is a reason to stop before anything is swapped.
    if (copied.skipped.length) {
      const first = copied.skipped[0];
      return { verdict: { ok: false, what: 'evidence', table: 'evidence_files', rowId: first.hash, detail: `photo ${first.hash} in ${backupPhotos} is ${first.state}` }, restored: false, replaced: null };
    }
  }

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
