import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A stored photo's name: the sha256 of its bytes, lowercase hex. */
export const EVIDENCE_HASH = /^[0-9a-f]{64}$/;

/** Where photos live: JIFEN_EVIDENCE_DIR, else `evidence/` beside the database file. */
export function evidenceDirFor(dbFile: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.JIFEN_EVIDENCE_DIR) return resolve(env.JIFEN_EVIDENCE_DIR);
  return join(dirname(resolve(dbFile)), 'evidence');
}

/** Content-addressed like git's objects: `ab/cdef…` (the first two hex digits name the folder). */
export function evidencePath(dir: string, hash: string): string {
  if (!EVIDENCE_HASH.test(hash)) throw new Error(`not an evidence hash: ${hash}`);
  return join(dir, hash.slice(0, 2), hash.slice(2));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a photo under its hash: to a temporary file in the same folder, flushed, then renamed, so the
 * name only ever holds the whole photo. A failure removes the temporary file. Writing a hash that is
 * already there replaces it with the same bytes.
 */
export function writeEvidenceFile(dir: string, hash: string, bytes: Uint8Array): void {
  const target = evidencePath(dir, hash);
  const folder = dirname(target);
  mkdirSync(folder, { recursive: true });
  const temp = join(folder, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    const fd = openSync(temp, 'wx', 0o640);
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  fsyncPath(folder);
}

/** Removes a photo file (an upload whose database row could not be written). */
export function removeEvidenceFile(dir: string, hash: string): void {
  rmSync(evidencePath(dir, hash), { force: true });
}

export function readEvidenceFile(dir: string, hash: string): Buffer | null {
  try {
    return readFileSync(evidencePath(dir, hash));
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw err;
  }
}

export type EvidenceFileState = 'ok' | 'missing' | 'changed';

/** Whether the photo named `hash` is there and its bytes still hash to its name. */
export function checkEvidenceFile(dir: string, hash: string): EvidenceFileState {
  const bytes = readEvidenceFile(dir, hash);
  if (!bytes) return 'missing';
  return sha256Hex(bytes) === hash ? 'ok' : 'changed';
}

export interface EvidenceCopy {
  copied: number;
  /** Hashes not copied because the source file is missing or its bytes no longer match its name. */
  skipped: { hash: string; state: Exclude<EvidenceFileState, 'ok'> }[];
}

/**
 * Copies the named photos from one evidence folder to another, checking each one's hash on the way;
 * a photo already at the destination with the right bytes is left alone. A bad source file is never
 * copied (the destination's verification then reports it missing).
 */
export function copyEvidenceFiles(from: string, to: string, hashes: Iterable<string>): EvidenceCopy {
  const out: EvidenceCopy = { copied: 0, skipped: [] };
  for (const hash of hashes) {
    if (checkEvidenceFile(to, hash) === 'ok') continue;
    const bytes = readEvidenceFile(from, hash);
    if (!bytes) {
      out.skipped.push({ hash, state: 'missing' });
      continue;
    }
    if (sha256Hex(bytes) !== hash) {
      out.skipped.push({ hash, state: 'changed' });
      continue;
    }
    writeEvidenceFile(to, hash, bytes);
    out.copied += 1;
  }
  return out;
}

/** Every file under the evidence folder (tests look for leftovers; the count is for reports). */
export function listEvidenceFolder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out.sort();
}
