import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPassToken } from '../../server/modules/counter/passToken';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { grantPointsVia, login, makeGoods, makeWorld } from '../support/factories';

let server: ServerType | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

/**
 * The app on a real loopback port, so requests really interleave in the server. `fixture` adds rows before the
 * first request (afterwards, on pg-suite, the app runs over PostgreSQL); reads go through t.sql.
 */
async function listen<F = undefined>(fixture?: (t: TestApp, w: Awaited<ReturnType<typeof makeWorld>>) => F) {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const extra = fixture?.(t, w) as F;
  const clerk = await login(t, 'clerk');
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server!.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redeem = (code: string, goodsId: number, key: string) =>
    fetch(`${base}/api/redemptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: clerk, 'idempotency-key': key },
      body: JSON.stringify({ code, items: [{ goodsId, quantity: 1 }] }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { balanceAfter?: number; error?: { code: string } } }));
  const code = () => createPassToken(testConfig.passSecret, w.household.id, t.clock.now.getTime() + 60_000).token;
  const row = (text: string, id: number) => t.sql.get(text, [id]);
  return { t, w, extra, redeem, code, row };
}

describe('concurrent redemptions over HTTP', () => {
  it('never overspend: exactly as many succeed as the balance allows', async () => {
    const { t, w, redeem, code, row } = await listen();
    await grantPointsVia(t, w.household.id, w.areas.villageA.id, 300);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => redeem(code(), w.oil.id, `race-${i}-xxxx`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status !== 201).every((r) => r.body.error?.code === 'insufficient_points')).toBe(true);
    expect(await row('SELECT balance FROM households WHERE id = ?', w.household.id)).toEqual({ balance: 0 });
  });

  it('never sell more than the stock', async () => {
    const { t, w, extra: few, redeem, code, row } = await listen((app, world) => makeGoods(app.db, world.areas.villageA.id, { name: '洗衣粉', price: 1, stock: 7 }));
    await grantPointsVia(t, w.household.id, w.areas.villageA.id, 10_000);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => redeem(code(), few.id, `stock-${i}-xxxx`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(7);
    expect(await row('SELECT stock FROM goods WHERE id = ?', few.id)).toEqual({ stock: 0 });
  });

  it('accept one code exactly once when it is used concurrently', async () => {
    const { t, w, redeem, code } = await listen();
    await grantPointsVia(t, w.household.id, w.areas.villageA.id, 1000);
    const one = code();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => redeem(one, w.oil.id, `code-${i}-xxxx`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error?.code === 'code_used')).toBe(true);
  });

  it('charge once for concurrent retries with one Idempotency-Key', async () => {
    const { t, w, redeem, code, row } = await listen();
    await grantPointsVia(t, w.household.id, w.areas.villageA.id, 1000);
    const one = code();
    const results = await Promise.all(Array.from({ length: 10 }, () => redeem(one, w.oil.id, 'same-key-0001')));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.balanceAfter))).toEqual(new Set([970]));
    expect(await row('SELECT balance FROM households WHERE id = ?', w.household.id)).toEqual({ balance: 970 });
  });
});
