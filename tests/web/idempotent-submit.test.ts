import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, call } from '../../web/src/api/client';
import { useIdempotentSubmit } from '../../web/src/ui/use-idempotent-submit';
import { makeTestApp, type TestApp } from '../support/app';
import { login, makeWorld } from '../support/factories';

// The web's own client talking to the real app in memory: what a browser would send, minus the network.
let t: TestApp;
let villageId: number;
let cookie: string;
const seen: Array<{ method: string; key: string | null }> = [];
let dropNextAnswer = false;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  t = makeTestApp();
  const w = await makeWorld(t);
  villageId = w.areas.villageA.id;
  cookie = await login(t, 'cadre');
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set('cookie', cookie);
    seen.push({ method: (init?.method ?? 'GET').toUpperCase(), key: headers.get('idempotency-key') });
    const res = await t.app.request(String(input), { ...init, headers });
    if (dropNextAnswer) {
      // The server did the work; the phone lost the answer.
      dropNextAnswer = false;
      throw new TypeError('Failed to fetch');
    }
    return res;
  }) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

const count = (headName: string) => (t.db.$client.prepare('SELECT COUNT(*) AS n FROM households WHERE head_name = ?').get(headName) as { n: number }).n;
const create = (headName: string) => call(api.households.$post({ json: { villageId, headName, category: 'general' } }));

describe('the idempotent submit cycle (web client against the real app)', () => {
  it('a second submit while the first is in flight does nothing; one household', async () => {
    const form = useIdempotentSubmit();
    const [a, b] = await Promise.all([form.run(async () => void (await create('双击一'))), form.run(async () => void (await create('双击一')))]);
    expect([a, b]).toEqual([true, false]);
    expect(form.busy.value).toBe(false);
    expect(count('双击一')).toBe(1);
  });

  it('a submit whose answer was lost is sent again with the same key and answered from the first: one household', async () => {
    const form = useIdempotentSubmit();
    const key = form.currentKey();
    dropNextAnswer = true;
    await expect(form.run(async () => void (await create('断网户')))).rejects.toThrow();
    expect(count('断网户')).toBe(1);
    expect(form.currentKey()).toBe(key);
    await form.run(async () => void (await create('断网户')));
    expect(count('断网户')).toBe(1);
    const posts = seen.filter((s) => s.method === 'POST').slice(-2);
    expect(posts[0].key).toBe(`${key}.1`);
    expect(posts[1].key).toBe(`${key}.1`);
  });

  it('after a success the form (kept open) gets a fresh key, so the next entry is created; only POSTs carry a key', async () => {
    const form = useIdempotentSubmit();
    const first = form.currentKey();
    await form.run(async () => void (await create('连续录入')));
    expect(form.currentKey()).not.toBe(first);
    await form.run(async () => {
      await call(api.households.$get({ query: {} }));
      await create('连续录入');
      await create('连续录入二');
    });
    expect(count('连续录入')).toBe(2);
    expect(count('连续录入二')).toBe(1);
    const last = seen.slice(-3);
    expect(last[0]).toEqual({ method: 'GET', key: null });
    expect(last[1].key).toMatch(/\.1$/);
    expect(last[2].key).toMatch(/\.2$/);
  });
});
