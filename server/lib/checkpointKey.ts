import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { dbFileName, type Db } from '../../db/client';
import type { AppConfig } from './context';

/** What the public learns about the signing key (GET /api/public/checkpoint-key, posters). */
export interface CheckpointKeyInfo {
  algorithm: 'Ed25519';
  /** The raw 32-byte public key, standard base64. */
  publicKey: string;
  /** The same key as SPKI PEM. */
  publicKeyPem: string;
  /** SHA-256 of the raw public key, lowercase hex. */
  fingerprint: string;
  /** Its first 32 hex digits, upper case, in 8 groups of 4 ("3F2A 91C0 …"), as printed on posters. */
  fingerprintDisplay: string;
}

/** The Ed25519 key county checkpoints are signed with. It lives outside the database, in a file. */
export interface CheckpointKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  info: CheckpointKeyInfo;
}

/** The key file is missing where it must exist, unreadable or not an Ed25519 private key: the server must not start. */
export class CheckpointKeyError extends Error {
  override name = 'CheckpointKeyError';
}

export function fingerprintDisplay(fingerprint: string): string {
  return (fingerprint.slice(0, 32).toUpperCase().match(/.{4}/g) ?? []).join(' ');
}

function keyFromPrivate(privateKey: KeyObject): CheckpointKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new CheckpointKeyError(`not an Ed25519 key (${privateKey.asymmetricKeyType ?? privateKey.type})`);
  const publicKey = createPublicKey(privateKey);
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const fingerprint = createHash('sha256').update(raw).digest('hex');
  return {
    privateKey,
    publicKey,
    info: {
      algorithm: 'Ed25519',
      publicKey: raw.toString('base64'),
      publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      fingerprint,
      fingerprintDisplay: fingerprintDisplay(fingerprint),
    },
  };
}

/** A key from PKCS#8 PEM text. */
export function checkpointKeyFromPem(pem: string): CheckpointKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new CheckpointKeyError(`not a PEM private key: ${(err as Error).message}`);
  }
  return keyFromPrivate(privateKey);
}

/** A new key in memory only (test apps over ':memory:'). */
export function generateCheckpointKey(): CheckpointKey {
  return keyFromPrivate(generateKeyPairSync('ed25519').privateKey);
}

/** Where the key lives: JIFEN_CHECKPOINT_KEY, else `checkpoint-key.pem` beside the database file. */
export function checkpointKeyPath(dbFile: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.JIFEN_CHECKPOINT_KEY || join(dirname(resolve(dbFile)), 'checkpoint-key.pem'));
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function readKeyFile(file: string): CheckpointKey {
  const pem = readFileSync(file, 'utf8');
  try {
    return checkpointKeyFromPem(pem);
  } catch (err) {
    throw new CheckpointKeyError(
      `the checkpoint signing key ${file} cannot be used (${(err as Error).message}). Restore it from your backup; ` +
        'do not delete it to get a new one: every checkpoint signed so far names the old key, and verifiers will say the key changed.',
    );
  }
}

/**
 * The key in `file`, made (mode 0600) with a loud warning if there is none. A file that exists but
 * cannot be read or parsed stops the caller: replacing it silently would look, to every verifier,
 * exactly like a forged history.
 */
export function loadOrCreateCheckpointKey(file: string, warn: (text: string) => void = console.warn): CheckpointKey {
  try {
    const key = readKeyFile(file);
    // Readable by others: still usable, but say so (the key proves who wrote the checkpoints).
    if ((statSync(file).mode & 0o077) !== 0) warn(`[jifen] the checkpoint signing key ${file} is readable by other users: chmod 600 it`);
    return key;
  } catch (err) {
    if (err instanceof CheckpointKeyError) throw err;
    if (!isMissing(err)) throw new CheckpointKeyError(`the checkpoint signing key ${file} cannot be read: ${(err as Error).message}`);
  }
  const key = generateCheckpointKey();
  const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  try {
    mkdirSync(dirname(file), { recursive: true });
    // 'wx': a second server starting at the same moment keeps the first key written.
    writeFileSync(file, pem, { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file);
    throw new CheckpointKeyError(`cannot write the checkpoint signing key ${file}: ${(err as Error).message}`);
  }
  warn(
    [
      '',
      '[jifen] ================================================================',
      '[jifen] NEW CHECKPOINT SIGNING KEY created: back it up NOW, off this machine.',
      `[jifen]   file:        ${file}`,
      `[jifen]   fingerprint: ${key.info.fingerprintDisplay}`,
      '[jifen] Every published board and checkpoint is signed with it. If it is lost,',
      '[jifen] new checkpoints carry a new key and every verifier reports the change.',
      '[jifen] ================================================================',
      '',
    ].join('\n'),
  );
  return key;
}

/** Ed25519 signature of `bytes`, standard base64 (64 bytes). */
export function signBytes(key: CheckpointKey, bytes: Uint8Array): string {
  return sign(null, bytes, key.privateKey).toString('base64');
}

/** Whether `signature` (base64) is the key's signature of `bytes`. */
export function verifyBytes(publicKey: KeyObject, bytes: Uint8Array, signature: string): boolean {
  return verify(null, bytes, publicKey, Buffer.from(signature, 'base64'));
}

const memoryKeys = new WeakMap<Db, CheckpointKey>();

/** One key per in-memory database (a test app and the seeds run over it sign alike); never written anywhere. */
export function memoryCheckpointKey(db: Db): CheckpointKey {
  let key = memoryKeys.get(db);
  if (!key) {
    key = generateCheckpointKey();
    memoryKeys.set(db, key);
  }
  return key;
}

/**
 * The key to sign with: the configured one (appConfig loads it from its file), else, over ':memory:'
 * only, the database's in-memory key. A file database without a configured key is a programming error:
 * signing with a throwaway key would publish checkpoints nobody can check later.
 */
export function checkpointKeyOf(config: AppConfig, db: Db): CheckpointKey {
  if (config.checkpointKey) return config.checkpointKey;
  if (dbFileName(db) === ':memory:') return memoryCheckpointKey(db);
  throw new CheckpointKeyError('no checkpoint signing key in the configuration (appConfig loads it from JIFEN_CHECKPOINT_KEY)');
}

/** The key for a database as the server uses it: from its file beside the database (or JIFEN_CHECKPOINT_KEY), in memory for ':memory:'. */
export function checkpointKeyForDb(db: Db, env: NodeJS.ProcessEnv = process.env): CheckpointKey {
  const file = dbFileName(db);
  if (file === ':memory:' && !env.JIFEN_CHECKPOINT_KEY) return memoryCheckpointKey(db);
  return loadOrCreateCheckpointKey(checkpointKeyPath(file, env));
}
