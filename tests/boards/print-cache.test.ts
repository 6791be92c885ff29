import { serve, type ServerType } from '@hono/node-server';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { openDb } from '../../db/client';
import { Hono } from 'hono';
import type { AppEnv } from '../../server/lib/http';
import { onError } from '../../server/lib/onError';
import { concurrencyBudget, timeBudget } from '../../server/lib/rateLimit';
import { createPassToken } from '../../server/modules/counter/passToken';
import { printBudget, printStats } from '../../server/modules/boards/print/printCache';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { grantPoints, login, makeAreas, makeHousehold, makeWorld } from '../support/factories';

let server: ServerType | null = null;
const dirs: string[] = [];
afterEach(() => {
  server?.close();
  server = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const page = async (t: TestApp, path: string, headers: Record<string, string> = {}) => {
  const res = await t.app.request(path, { headers });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
};

/** A village of `n` households: its plaque sheet costs real CPU (one QR code a household). */
function bigVillage(t: TestApp, n: number) {
  const a = makeAreas(t.db);
  for (let i = 0; i < n; i++) makeHousehold(t.db, a.villageA.id, { headName: `王${i}` });
  return a;
}

describe('print pages cache', () => {
  it('serves a repeated print page from the cache, byte for byte and much cheaper', async () => {
    const t = makeTestApp();
    const a = bigVillage(t, 120);
    const path = `/print/areas/${a.villageA.id}/plaques?year=2026`;
    const renders = printStats.renders;
    let started = performance.now();
    const first = await page(t, path);
    const firstMs = performance.now() - started;
    started = performance.now();
    const second = await page(t, path);
    const secondMs = performance.now() - started;
    expect(first.status).toBe(200);
    expect(first.type).toBe('text/html; charset=UTF-8');
    expect(second.text).toBe(first.text);
    expect(first.text.match(/class="sheet plaque"/g)).toHaveLength(120);
    expect(printStats.renders - renders).toBe(1);
    expect(secondMs).toBeLessThan(firstMs / 5);
  });

  it('renders a burst of the same page once', async () => {
    const t = makeTestApp();
    const a = bigVillage(t, 40);
    const renders = printStats.renders;
    const pages = await Promise.all(Array.from({ length: 10 }, () => page(t, `/print/areas/${a.villageA.id}/plaques?year=2025`)));
    expect(new Set(pages.map((p) => p.text)).size).toBe(1);
    expect(printStats.renders - renders).toBe(1);
  });

  it('renders again once anything is written: a ledger write shows on the live leaderboard poster', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const path = `/print/areas/${w.areas.villageA.id}/leaderboard?period=2026`;
    const before = await page(t, path);
    expect(before.status).toBe(200);
    expect(before.text).not.toContain('>777<');
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 777, '2026-06-02');
    const renders = printStats.renders;
    const after = await page(t, path);
    expect(printStats.renders - renders).toBe(1);
    expect(after.text).toContain('>777<');
    // And the fresh page is cached in its turn.
    await page(t, path);
    expect(printStats.renders - renders).toBe(1);
  });

  it('notices a write by another process (another connection) within about a second', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jifen-print-'));
    dirs.push(dir);
    const file = join(dir, 'db.sqlite');
    const db = openDb({ file });
    const app = createApp({ db, config: testConfig, now: () => new Date('2026-06-15T02:00:00.000Z') });
    const a = makeAreas(db);
    const h = makeHousehold(db, a.villageA.id, { headName: '刘大海' });
    const path = `/print/households/${h.id}/plaque?year=2026`;
    const first = await (await app.request(path)).text();
    expect(first).toContain('刘*海');
    const other = new Database(file);
    other.prepare('UPDATE households SET head_name = ? WHERE id = ?').run('孙小红', h.id);
    other.close();
    await new Promise((r) => setTimeout(r, 1100));
    const later = await (await app.request(path)).text();
    expect(later).toContain('孙*红');
    db.$client.close();
  });

  it('keeps pages for different hosts apart: a forged Host never reaches another visitor’s QR codes', async () => {
    const t = makeTestApp();
    const a = makeAreas(t.db);
    const h = makeHousehold(t.db, a.villageA.id);
    const path = `/print/households/${h.id}/plaque?year=2026`;
    const forged = await page(t, `http://evil.example${path}`);
    expect(forged.status).toBe(200);
    const honest = await page(t, `http://jifen.local${path}`);
    expect(honest.text).not.toBe(forged.text);
    const again = await page(t, `http://jifen.local${path}`);
    expect(again.text).toBe(honest.text);
  });

  it('does not let junk query parameters into the QR code or the cache key', async () => {
    const t = makeTestApp();
    const a = makeAreas(t.db);
    const renders = printStats.renders;
    const plain = await page(t, `/print/areas/${a.villageA.id}/leaderboard?period=2026`);
    const junk = await page(t, `/print/areas/${a.villageA.id}/leaderboard?period=2026&x=%3Cscript%3E`);
    expect(junk.text).toBe(plain.text);
    expect(printStats.renders - renders).toBe(1);
  });

  it('caches "not published yet" pages but not errors, and still answers 404 for a missing area', async () => {
    const t = makeTestApp();
    const a = makeAreas(t.db);
    const notYet = await page(t, `/print/areas/${a.villageA.id}/red?period=2026`);
    expect(notYet.status).toBe(404);
    expect(notYet.text).toContain('尚未发布');
    const renders = printStats.renders;
    expect((await page(t, `/print/areas/${a.villageA.id}/red?period=2026`)).status).toBe(404);
    expect(printStats.renders - renders).toBe(0);
    const missing = await page(t, '/print/areas/999999/plaques?year=2026');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text).error.code).toBe('not_found');
  });
});

describe('render budget', () => {
  const work = (ms: number) => () => new Promise<number>((r) => setTimeout(() => r(ms), ms));

  it('runs at most maxInFlight at once and the rest in arrival order', async () => {
    const budget = concurrencyBudget({ maxInFlight: 2, maxQueued: 10, maxWaitMs: 5000, retryAfterSeconds: 5 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => budget.run(async () => (await work(20)(), order.push(i)))));
    expect(budget.peakInFlight).toBe(2);
    expect(order.slice(2)).toEqual([2, 3, 4, 5]);
    expect(budget.inFlight).toBe(0);
  });

  it('refuses with 503 busy and Retry-After when the queue is full or the wait too long', async () => {
    const budget = concurrencyBudget({ maxInFlight: 1, maxQueued: 2, maxWaitMs: 50, retryAfterSeconds: 7 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => budget.run(work(200))));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as { status: number; code: string; retryAfterSeconds: number });
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    // Two refused at once (queue full), two after waiting 50 ms.
    expect(refused).toHaveLength(4);
    expect(refused.every((e) => e.status === 503 && e.code === 'busy' && e.retryAfterSeconds === 7)).toBe(true);
    expect(budget.inFlight).toBe(0);
    expect(budget.queued).toBe(0);
    // A failed work frees its slot too.
    await expect(budget.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await budget.run(work(1))).toBe(1);
  });

  it('holds synchronous routes to their share of each second, for all clients together', async () => {
    const app = new Hono<AppEnv>();
    app.onError(onError);
    app.use('/slow', timeBudget(1000, 100));
    app.get('/slow', (c) => {
      const until = performance.now() + 30;
      while (performance.now() < until);
      return c.text('done');
    });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const res = await app.request('/slow');
      statuses.push(res.status);
      if (res.status === 503) retryAfter = res.headers.get('retry-after');
    }
    // At least 30 ms each: by the fourth the window is past 100 ms, and from the first refusal on all are refused.
    const served = statuses.indexOf(503);
    expect(served).toBeGreaterThanOrEqual(1);
    expect(served).toBeLessThanOrEqual(4);
    expect(statuses.slice(0, served).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(served).every((s) => s === 503)).toBe(true);
    expect(retryAfter).toBe('1');
    await new Promise((r) => setTimeout(r, 1050));
    expect((await app.request('/slow')).status).toBe(200);
  });

  it('gives anonymous live boards at most half of each second: a hammering client gets 503 busy', async () => {
    const t = makeTestApp();
    const a = makeAreas(t.db);
    t.db.$client.exec('BEGIN');
    for (let i = 0; i < 1500; i++) makeHousehold(t.db, [a.villageA, a.villageA2, a.villageB][i % 3].id, { headName: `王${i}` });
    t.db.$client.exec('COMMIT');
    for (const h of t.db.$client.prepare('SELECT id, village_id AS villageId FROM households').all() as Array<{ id: number; villageId: number }>) {
      grantPoints(t.db, h.id, h.villageId, (h.id % 37) + 1);
    }
    // Sequential, as from one busy client: each request is answered before the next is sent.
    let served = 0;
    let refused: Response | null = null;
    while (!refused && served < 2000) {
      const res = await t.app.request(`/api/public/areas/${a.county.id}/live/villages?period=2026`);
      await res.arrayBuffer();
      if (res.status === 503) refused = res;
      else if (res.status === 200) served += 1;
      else throw new Error(`unexpected ${res.status}`);
    }
    console.log(`live boards: ${served} served before the first 503`);
    expect(served).toBeGreaterThan(0);
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toBe('1');
    // The cached leaderboard is not held back by it.
    expect((await t.app.request(`/api/public/areas/${a.county.id}/leaderboard?period=2026`)).status).toBe(200);
  });

  it('keeps health checks and the counter answering while ten anonymous plaque sheets render over real HTTP', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    for (let i = 0; i < 250; i++) makeHousehold(t.db, w.areas.villageA.id, { headName: `王${i}` });
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 1000);
    const clerk = await login(t, 'clerk');
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server!.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const peakBefore = printBudget.peakInFlight;
    const renders = printStats.renders;
    // Ten different years: ten real renders, none served by another's cache entry.
    const sheets = Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${base}/print/areas/${w.areas.villageA.id}/plaques?year=${2017 + i}`).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get('retry-after'),
          body: await r.text(),
        })),
      ),
    );
    let done = false;
    void sheets.finally(() => (done = true));
    const health: number[] = [];
    const counter: number[] = [];
    while (!done) {
      let started = performance.now();
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
      health.push(performance.now() - started);
      if (counter.length < 3) {
        started = performance.now();
        const code = createPassToken(testConfig.passSecret, w.household.id, t.clock.now.getTime() + 60_000).token;
        const sold = await fetch(`${base}/api/redemptions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: clerk, 'idempotency-key': `print-budget-${counter.length}-xxxx` },
          body: JSON.stringify({ code, items: [{ goodsId: w.soap.id, quantity: 1 }] }),
        });
        expect(sold.status).toBe(201);
        counter.push(performance.now() - started);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const results = await sheets;
    const ok = results.filter((r) => r.status === 200);
    const busy = results.filter((r) => r.status === 503);
    expect(ok.length + busy.length).toBe(10);
    expect(ok.length).toBeGreaterThanOrEqual(2);
    for (const r of ok) expect(r.body.match(/class="sheet plaque"/g)).toHaveLength(251);
    for (const r of busy) {
      expect(JSON.parse(r.body).error.code).toBe('busy');
      expect(r.retryAfter).toBe('5');
    }
    expect(printStats.renders - renders).toBe(ok.length);
    expect(Math.max(peakBefore, printBudget.peakInFlight)).toBeLessThanOrEqual(2);
    expect(health.length).toBeGreaterThan(3);
    expect(Math.max(...health)).toBeLessThan(1000);
    expect(counter.length).toBe(3);
    expect(Math.max(...counter)).toBeLessThan(1000);
    console.log(
      `print budget: ${ok.length} rendered, ${busy.length} busy; health max ${Math.max(...health).toFixed(0)} ms over ${health.length} checks; redemptions max ${Math.max(...counter).toFixed(0)} ms`,
    );
  });
});
