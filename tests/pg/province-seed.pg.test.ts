import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openPgDb, type Db } from '../../db/client';
import { COUNTY_ID_SPAN } from '../../db/idRange';
import { verifyDatabase } from '../../db/verify';
import { createApp } from '../../server/app';
import { generateCheckpointKey } from '../../server/lib/checkpointKey';
import { hashPassword } from '../../server/lib/password';
import { provinceCountyName, seedProvince, type ProvinceSummary } from '../../seeds/province';
import { testConfig } from '../support/app';
import { freshDatabase, type FreshDatabase } from './support/database';

const NOW = new Date('2026-03-28T09:00:00.000Z');
const PASSWORD = 'province-pass-1';

describe('npm run seed -- --counties 3 into PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-province-test-'));
  let target: FreshDatabase;
  let summary: ProvinceSummary;
  let db: Db;

  beforeAll(async () => {
    target = await freshDatabase();
    const passwordHash = await hashPassword(PASSWORD, 1024);
    summary = await seedProvince({ to: target.url, counties: 3, households: 60, months: 1, seed: 7, now: NOW, passwordHash });
    db = await openPgDb({ url: target.url, dataDir: join(dir, 'pg-data'), poolSize: 4, migrate: false });
  }, 180_000);

  afterAll(async () => {
    if (db) await closeDb(db);
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  it('numbers the counties 1..3 with distinct names, every id of each in its own range, and verify is clean on the whole database', async () => {
    expect(summary.counties.map((c) => [c.number, c.name])).toEqual([1, 2, 3].map((k) => [k, provinceCountyName(k)]));
    for (const c of summary.counties) {
      expect(c.rows).toBeGreaterThan(500);
      expect(c.copyRate).toBeGreaterThan(0);
      expect(Math.floor(c.countyId / COUNTY_ID_SPAN)).toBe(c.number);
    }
    const counties = await rows<{ id: string; name: string }>(`SELECT id, name FROM areas WHERE parent_id IS NULL ORDER BY id`);
    expect(counties.map((r) => [Math.floor(Number(r.id) / COUNTY_ID_SPAN), r.name])).toEqual([1, 2, 3].map((k) => [k, provinceCountyName(k)]));
    // Each county's households, ledger rows and accounts lie in its range, under its own county.
    const byRange = await rows<{ k: string; n: string; wrong: string }>(
      `SELECT floor(h.id / ${COUNTY_ID_SPAN})::int AS k, COUNT(*) AS n,
              COUNT(*) FILTER (WHERE floor(h.village_id / ${COUNTY_ID_SPAN}) <> floor(h.id / ${COUNTY_ID_SPAN})) AS wrong
         FROM households h GROUP BY 1 ORDER BY 1`,
    );
    expect(byRange.map((r) => [Number(r.k), Number(r.n), Number(r.wrong)])).toEqual([
      [1, 60, 0],
      [2, 60, 0],
      [3, 60, 0],
    ]);
    const users = await rows<{ username: string }>(`SELECT username FROM users WHERE role = 'county_admin' ORDER BY id`);
    expect(users.map((u) => u.username)).toEqual(['c1-county', 'c2-county', 'c3-county']);
    const verdict = await verifyDatabase(db);
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(new Set(verdict.chains.map((c) => Math.floor(c.villageId / COUNTY_ID_SPAN)))).toEqual(new Set([1, 2, 3]));
    expect(verdict.chains.length).toBe(Number((await rows<{ n: string }>('SELECT COUNT(*) AS n FROM ledger_chains'))[0].n));
  }, 120_000);

  it("lets county 2's administrator sign in and see only county 2: its areas, its households, none of county 1's", async () => {
    const app = createApp({ db, config: { ...testConfig, checkpointKey: generateCheckpointKey(), evidenceDir: join(dir, 'photos') }, now: () => NOW });
    const login = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'c2-county', password: PASSWORD }) });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const get = (path: string) => app.request(path, { headers: { cookie } });

    const areas = await get('/api/areas');
    expect(areas.status).toBe(200);
    const list = JSON.stringify(await areas.json());
    const ids = [...list.matchAll(/"id":(\d+)/g)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(3);
    for (const id of ids) expect(Math.floor(id / COUNTY_ID_SPAN)).toBe(2);
    expect(list).toContain(provinceCountyName(2));
    expect(list).not.toContain(provinceCountyName(1));
    expect(list).not.toContain(provinceCountyName(3));

    const households = await get('/api/households');
    expect(households.status).toBe(200);
    const hIds = [...JSON.stringify(await households.json()).matchAll(/"id":(\d+)/g)].map((m) => Number(m[1]));
    expect(hIds.length).toBeGreaterThan(0);
    for (const id of hIds) expect(Math.floor(id / COUNTY_ID_SPAN)).toBe(2);

    // A household of county 1, asked for by id: not found, as if it did not exist.
    const other = await rows<{ id: string }>(`SELECT MIN(id) AS id FROM households WHERE id < $1`, [2 * COUNTY_ID_SPAN]);
    expect((await get(`/api/households/${other[0].id}`)).status).toBe(404);
    const own = await rows<{ id: string }>(`SELECT MIN(id) AS id FROM households WHERE id > $1`, [2 * COUNTY_ID_SPAN]);
    expect((await get(`/api/households/${own[0].id}`)).status).toBe(200);
  }, 120_000);

  it('refuses a target that already holds counties unless --join, and with --join numbers the next county 4', async () => {
    const passwordHash = await hashPassword(PASSWORD, 1024);
    await expect(seedProvince({ to: target.url, counties: 1, households: 20, months: 1, seed: 7, now: NOW, passwordHash })).rejects.toThrow(/already holds \d+ areas.*--join/);
    const more = await seedProvince({ to: target.url, counties: 1, households: 20, months: 1, seed: 7, now: NOW, passwordHash, join: true });
    expect(more.counties.map((c) => [c.number, c.name])).toEqual([[4, provinceCountyName(4)]]);
    const verdict = await verifyDatabase(db);
    expect(verdict.ok).toBe(true);
  }, 120_000);
});
