import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseConfigError, readDatabaseEnv, readServerEnv } from '../../server/config';
import { entryExitCode, startServer } from '../../server/main';

const dir = mkdtempSync(join(tmpdir(), 'jifen-pgconf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refusal = (env: NodeJS.ProcessEnv) => {
  try {
    readDatabaseEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(DatabaseConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('PostgreSQL configuration', () => {
  it('is off without JIFEN_DATABASE_URL (SQLite at JIFEN_DB, as before)', () => {
    expect(readDatabaseEnv({})).toBeNull();
    expect(readDatabaseEnv({ JIFEN_DATABASE_URL: '  ' })).toBeNull();
    expect(readServerEnv({ JIFEN_DB: 'x.db' })).toMatchObject({ dbFile: 'x.db', database: null });
  });

  it('reads the primary, the replica and the pool size', () => {
    expect(readDatabaseEnv({ JIFEN_DATABASE_URL: 'postgres://app:pw@db1:5432/jifen' })).toEqual({ url: 'postgres://app:pw@db1:5432/jifen', readUrl: null, poolSize: 10 });
    expect(
      readDatabaseEnv({ JIFEN_DATABASE_URL: 'postgresql://db1/jifen', JIFEN_DATABASE_READ_URL: 'postgres://db2/jifen', JIFEN_DATABASE_POOL: '32' }),
    ).toEqual({ url: 'postgresql://db1/jifen', readUrl: 'postgres://db2/jifen', poolSize: 32 });
  });

  it('refuses a URL of another scheme, or none, naming the setting but not echoing the URL (it may hold a password)', () => {
    const m1 = refusal({ JIFEN_DATABASE_URL: 'mysql://root:hunter2@db/jifen' });
    expect(m1).toContain('JIFEN_DATABASE_URL must start with postgres:// or postgresql://');
    expect(m1).not.toContain('hunter2');
    expect(refusal({ JIFEN_DATABASE_URL: 'data/jifen.db' })).toContain('JIFEN_DATABASE_URL is not a URL');
    expect(refusal({ JIFEN_DATABASE_URL: 'postgres://db/j', JIFEN_DATABASE_READ_URL: 'http://db2/j' })).toContain('JIFEN_DATABASE_READ_URL must start with postgres://');
  });

  it.each(['0', '201', '-1', '1.5', '10abc', 'ten', '1e2', '0x10'])('refuses pool size %s (a whole number 1–200)', (pool) => {
    expect(refusal({ JIFEN_DATABASE_URL: 'postgres://db/j', JIFEN_DATABASE_POOL: pool })).toContain('JIFEN_DATABASE_POOL must be a whole number from 1 to 200');
  });

  it('accepts the pool size bounds 2 and 200, and refuses 1 (the scheduler holds a connection while its jobs use another)', () => {
    expect(refusal({ JIFEN_DATABASE_URL: 'postgres://db/j', JIFEN_DATABASE_POOL: '1' })).toContain('JIFEN_DATABASE_POOL must be at least 2');
    expect(readDatabaseEnv({ JIFEN_DATABASE_URL: 'postgres://db/j', JIFEN_DATABASE_POOL: '2' })?.poolSize).toBe(2);
    expect(readDatabaseEnv({ JIFEN_DATABASE_URL: 'postgres://db/j', JIFEN_DATABASE_POOL: '200' })?.poolSize).toBe(200);
  });

  it('refuses a replica or pool size without a primary instead of quietly using SQLite', () => {
    expect(refusal({ JIFEN_DATABASE_READ_URL: 'postgres://db2/j' })).toContain('JIFEN_DATABASE_READ_URL is set but JIFEN_DATABASE_URL is not');
    expect(refusal({ JIFEN_DATABASE_POOL: '5' })).toContain('JIFEN_DATABASE_POOL is set but JIFEN_DATABASE_URL is not');
  });

  it('with JIFEN_DATABASE_URL the server opens PostgreSQL, never the SQLite file: no server there is a failed start and no file is made', async () => {
    const file = join(dir, 'never.db');
    const env = readServerEnv({ JIFEN_DATABASE_URL: 'postgres://jifen@127.0.0.1:1/jifen', JIFEN_DB: file, PORT: '0' });
    const err = await startServer({ env, handleSignals: false }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(entryExitCode(err)).toBe(1);
    expect(existsSync(file)).toBe(false);
  });

  it('also exits 2 on an invalid database setting, and 1 on other start failures', () => {
    expect(entryExitCode(new DatabaseConfigError('x'))).toBe(2);
    expect(entryExitCode(new Error('port in use'))).toBe(1);
  });
});
