import { createPublicKey, verify } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDb, openDb } from '../../db/client';
import { appConfig } from '../../server/config';
import {
  CheckpointKeyError,
  checkpointKeyFromPem,
  checkpointKeyOf,
  checkpointKeyPath,
  generateCheckpointKey,
  loadOrCreateCheckpointKey,
  signBytes,
} from '../../server/lib/checkpointKey';
import { makeTestApp, testConfig } from '../support/app';
import { call } from '../support/factories';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the checkpoint signing key file', () => {
  it('is made once with mode 0600 and a loud warning naming its fingerprint, then loaded as it is', () => {
    const file = join(dir, 'keys', 'checkpoint-key.pem');
    const warnings: string[] = [];
    const made = loadOrCreateCheckpointKey(file, (w) => warnings.push(w));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('back it up');
    expect(warnings[0]).toContain(made.info.fingerprintDisplay);
    expect(warnings[0]).toContain(file);
    const again = loadOrCreateCheckpointKey(file, (w) => warnings.push(w));
    expect(again.info).toEqual(made.info);
    expect(warnings).toHaveLength(1);
    const sig = signBytes(again, Buffer.from('x'));
    expect(verify(null, Buffer.from('x'), createPublicKey(made.info.publicKeyPem), Buffer.from(sig, 'base64'))).toBe(true);
  });

  it('stops with a clear error on a corrupt or foreign key, and never replaces the file', () => {
    const file = join(dir, 'checkpoint-key.pem');
    writeFileSync(file, 'not a key at all', { mode: 0o600 });
    expect(() => loadOrCreateCheckpointKey(file, () => undefined)).toThrow(CheckpointKeyError);
    expect(() => loadOrCreateCheckpointKey(file, () => undefined)).toThrow(/Restore it from your backup/);
    expect(readFileSync(file, 'utf8')).toBe('not a key at all');
    // An RSA key is a key, but not the kind checkpoints are signed with.
    const rsa = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(10)}\n-----END PRIVATE KEY-----\n`;
    writeFileSync(file, rsa);
    expect(() => loadOrCreateCheckpointKey(file, () => undefined)).toThrow(CheckpointKeyError);
  });

  it('stops when the path exists but cannot be read as a file', () => {
    // A directory where the key should be (root reads any file, so a mode-000 file would not fail here).
    const file = join(dir, 'checkpoint-key.pem');
    mkdirSync(file);
    expect(() => loadOrCreateCheckpointKey(file, () => undefined)).toThrow(CheckpointKeyError);
    expect(() => loadOrCreateCheckpointKey(file, () => undefined)).toThrow(/cannot be read/);
    expect(statSync(file).isDirectory()).toBe(true);
  });

  it('warns when the key is readable by other users', () => {
    const file = join(dir, 'checkpoint-key.pem');
    loadOrCreateCheckpointKey(file, () => undefined);
    chmodSync(file, 0o644);
    const warnings: string[] = [];
    loadOrCreateCheckpointKey(file, (w) => warnings.push(w));
    expect(warnings.join()).toMatch(/chmod 600/);
  });

  it('lives beside the database unless JIFEN_CHECKPOINT_KEY names another file', async () => {
    expect(checkpointKeyPath(join(dir, 'data', 'jifen.db'), {})).toBe(join(dir, 'data', 'checkpoint-key.pem'));
    expect(checkpointKeyPath(join(dir, 'jifen.db'), { JIFEN_CHECKPOINT_KEY: join(dir, 'elsewhere.pem') })).toBe(join(dir, 'elsewhere.pem'));
    const db = openDb({ file: join(dir, 'jifen.db') });
    try {
      const config = await appConfig(db, { JIFEN_SCRYPT_N: '1024' });
      expect(existsSync(join(dir, 'checkpoint-key.pem'))).toBe(true);
      expect(config.checkpointKey?.info.fingerprint).toBe(checkpointKeyFromPem(readFileSync(join(dir, 'checkpoint-key.pem'), 'utf8')).info.fingerprint);
      const other = await appConfig(db, { JIFEN_SCRYPT_N: '1024', JIFEN_CHECKPOINT_KEY: join(dir, 'elsewhere.pem') });
      expect(other.checkpointKey?.info.fingerprint).not.toBe(config.checkpointKey?.info.fingerprint);
      // A file database never signs with a throwaway key.
      expect(() => checkpointKeyOf(testConfig, db)).toThrow(CheckpointKeyError);
    } finally {
      closeDb(db);
    }
  });
});

describe('keys of test apps', () => {
  it('each in-memory app has its own key, or the one passed in its config', async () => {
    const a = makeTestApp();
    const b = makeTestApp();
    const ka = (await call(a, 'GET', '/api/public/checkpoint-key')).body;
    const kb = (await call(b, 'GET', '/api/public/checkpoint-key')).body;
    expect(ka.fingerprint).not.toBe(kb.fingerprint);
    expect((await call(a, 'GET', '/api/public/checkpoint-key')).body).toEqual(ka);
    // appConfig over the same in-memory database signs alike (the demo seeds publish boards through it).
    expect((await appConfig(a.db, {})).checkpointKey?.info.fingerprint).toBe(ka.fingerprint);
    const key = generateCheckpointKey();
    const c = makeTestApp(undefined, { checkpointKey: key });
    expect((await call(c, 'GET', '/api/public/checkpoint-key')).body).toEqual(key.info);
  });
});
