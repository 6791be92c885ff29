import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { createApp } from '../../server/app';
import type { AppEnv } from '../../server/lib/http';
import { onError } from '../../server/lib/onError';
import { createPassToken } from '../../server/modules/counter/passToken';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, grantPoints, login, makeWorld } from '../support/factories';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const count = (t: TestApp, table: string) => (t.db.$client.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
/** SQLite's own checks: no torn page, no dangling reference. */
const sound = (t: TestApp) => t.db.$client.pragma('integrity_check', { simple: true }) === 'ok' && (t.db.$client.pragma('foreign_key_check') as unknown[]).length === 0;
const state = (t: TestApp, householdId: number, goodsId: number) => ({
  balance: (t.db.$client.prepare('SELECT balance FROM households WHERE id = ?').get(householdId) as { balance: number }).balance,
  stock: (t.db.$client.prepare('SELECT stock FROM goods WHERE id = ?').get(goodsId) as { stock: number }).stock,
  ledger: count(t, 'ledger_entries'),
  audit: count(t, 'audit_log'),
  redemptions: count(t, 'redemptions'),
});

/**
 * Caps the database at its current size, then repeats a write until one needs a page that is not
 * there (SQLITE_FULL): free room inside existing pages absorbs the first few, as on a real full disk.
 * Returns the failed answer and the state just before it.
 */
async function writeUntilFull(t: TestApp, householdId: number, goodsId: number, write: (i: number) => Promise<{ status: number; body: { error?: { code: string; message: string } }; headers: Headers }>) {
  const pages = t.db.$client.pragma('page_count', { simple: true }) as number;
  t.db.$client.pragma(`max_page_count = ${pages}`);
  for (let i = 0; i < 200; i++) {
    const before = state(t, householdId, goodsId);
    const res = await write(i);
    if (res.status !== 201) return { res, before };
  }
  throw new Error('the capped database never filled up');
}

describe('disk full', () => {
  it('answers a manual adjustment with 503 disk_full and writes nothing of it', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const county = await login(t, 'county');
    const reason = `核对补记${'。'.repeat(400)}`;
    const { res, before } = await writeUntilFull(t, w.household.id, w.oil.id, () =>
      call(t, 'POST', `/api/households/${w.household.id}/adjust`, { cookie: county, body: { points: 3, reason } }),
    );
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({ code: 'disk_full', message: '服务器磁盘已满，请联系管理员', requestId: expect.any(String) });
    expect(res.headers.get('retry-after')).toBe('60');
    expect(state(t, w.household.id, w.oil.id)).toEqual(before);
    expect(t.db.$client.inTransaction).toBe(false);
    expect(sound(t)).toBe(true);

    // Once the operator frees space, the same request goes through without a restart.
    t.db.$client.pragma('max_page_count = 1073741823');
    const retried = await call(t, 'POST', `/api/households/${w.household.id}/adjust`, { cookie: county, body: { points: 3, reason } });
    expect(retried.status).toBe(201);
    expect(state(t, w.household.id, w.oil.id)).toMatchObject({ balance: before.balance + 3, ledger: before.ledger + 1, audit: before.audit + 1 });
    expect(sound(t)).toBe(true);
  });

  it('answers a redemption at the counter with 503 disk_full: no points spent, no stock taken, no audit row', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 100_000);
    const clerk = await login(t, 'clerk');
    const { res, before } = await writeUntilFull(t, w.household.id, w.oil.id, (i) =>
      call(t, 'POST', '/api/redemptions', {
        cookie: clerk,
        headers: { 'idempotency-key': `disk-full-${i}-xxxx` },
        body: { code: createPassToken(testConfig.passSecret, w.household.id, t.clock.now.getTime() + 60_000).token, items: [{ goodsId: w.oil.id, quantity: 1 }] },
      }),
    );
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe('disk_full');
    expect(state(t, w.household.id, w.oil.id)).toEqual(before);
    expect(sound(t)).toBe(true);
  });

  it('answers 503 disk_full when a file write meets a full device (ENOSPC)', async () => {
    const app = new Hono<AppEnv>();
    app.onError(onError);
    // /dev/full refuses every write with ENOSPC, as a full disk does.
    app.get('/write', () => {
      writeFileSync('/dev/full', 'backup bytes');
      return new Response('written');
    });
    const res = await app.request('/write');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 'disk_full', message: '服务器磁盘已满，请联系管理员', requestId: expect.any(String) } });
  });

  it('does not call an I/O error a full disk when there is space', async () => {
    const app = new Hono<AppEnv>();
    app.onError(onError);
    app.get('/io', () => {
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
    });
    const res = await app.request('/io');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal');
  });
});

describe('database busy', () => {
  it('answers 503 busy with Retry-After when another process holds the write lock past busy_timeout, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jifen-busy-'));
    dirs.push(dir);
    const file = join(dir, 'db.sqlite');
    const db = openDb({ file });
    const clock = { now: new Date('2026-06-15T02:00:00.000Z') };
    const t = { db, clock, app: createApp({ db, config: testConfig, now: () => clock.now }) } as unknown as TestApp;
    const w = await makeWorld(t);
    const county = await login(t, 'county');
    db.$client.pragma('busy_timeout = 100');
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const before = state(t, w.household.id, w.oil.id);
      const res = await call(t, 'POST', `/api/households/${w.household.id}/adjust`, { cookie: county, body: { points: 5, reason: '补记' } });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('busy');
      expect(res.headers.get('retry-after')).toBe('2');
      expect(state(t, w.household.id, w.oil.id)).toEqual(before);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const retried = await call(t, 'POST', `/api/households/${w.household.id}/adjust`, { cookie: county, body: { points: 5, reason: '补记' } });
    expect(retried.status).toBe(201);
    db.$client.close();
  });
});
