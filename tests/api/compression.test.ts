import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { createApp } from '../../server/app';
import { pickEncoding } from '../../server/lib/compress';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { grantPoints, login, makeHousehold, makeWorld } from '../support/factories';

const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

describe('Accept-Encoding', () => {
  it('prefers brotli, then gzip, and honours q=0', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('gzip')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip')).toBe('gzip');
    expect(pickEncoding('identity')).toBeNull();
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding(undefined)).toBeNull();
  });
});

describe('compressed JSON answers', () => {
  it('a large API answer is compressed as accepted, with Vary; a small one and a client without Accept-Encoding get it as is', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    for (let i = 0; i < 60; i++) makeHousehold(t.db, w.areas.villageA.id, { headName: `户主${i}`, idNumber: null });
    const cadre = await login(t, 'cadre');
    const plain = await t.app.request('/api/households?limit=100', { headers: { cookie: cadre } });
    const text = await plain.text();
    expect(text.length).toBeGreaterThan(1024);
    expect(plain.headers.get('content-encoding')).toBeNull();

    const br = await t.app.request('/api/households?limit=100', { headers: { cookie: cadre, 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(br.headers.get('content-security-policy')).toBeTruthy();
    const brBody = await bytes(br);
    expect(brBody.length).toBeLessThan(text.length / 2);
    expect(JSON.parse(brotliDecompressSync(brBody).toString())).toEqual(JSON.parse(text));

    const gz = await t.app.request('/api/households?limit=100', { headers: { cookie: cadre, 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.parse(gunzipSync(await bytes(gz)).toString())).toEqual(JSON.parse(text));

    const small = await t.app.request('/api/health', { headers: { 'accept-encoding': 'br' } });
    expect(small.headers.get('content-encoding')).toBeNull();
    expect(await small.json()).toBeTruthy();
  });

  it('the public board is sent compressed from its prepared answer, with an ETag of its own that still earns a 304', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    for (let i = 0; i < 40; i++) {
      const h = makeHousehold(t.db, w.areas.villageA.id, { headName: `户主${i}`, idNumber: null });
      grantPoints(t.db, h.id, w.areas.villageA.id, 10 + i, '2026-06-01');
    }
    const url = `/api/public/areas/${w.areas.townA.id}/leaderboard?period=2026-06`;
    const plain = await t.app.request(url);
    const text = await plain.text();
    expect(text.length).toBeGreaterThan(1024);
    for (let round = 0; round < 2; round++) {
      const br = await t.app.request(url, { headers: { 'accept-encoding': 'br' } });
      expect(br.headers.get('content-encoding')).toBe('br');
      expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
      const etag = br.headers.get('etag')!;
      expect(etag).not.toBe(plain.headers.get('etag'));
      expect(brotliDecompressSync(await bytes(br)).toString()).toBe(text);
      const again = await t.app.request(url, { headers: { 'accept-encoding': 'br', 'if-none-match': etag } });
      expect(again.status).toBe(304);
    }
  });
});

describe('built web assets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-web-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = `console.log(${JSON.stringify('积分'.repeat(2000))});`;
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="app"></div></body></html>`);
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), script);
  writeFileSync(join(dir, 'assets', 'app-abc123.js.br'), brotliCompressSync(script));
  writeFileSync(join(dir, 'assets', 'logo-1.png'), Buffer.alloc(4000, 7));
  mkdirSync(join(dir, '.vite'));
  writeFileSync(
    join(dir, '.vite', 'manifest.json'),
    JSON.stringify({
      'src/main.ts': { file: 'assets/app-abc123.js', isEntry: true },
      'src/modules/households/HouseholdPhonePage.vue': { file: 'assets/Home-1.js', imports: ['_shell.js', 'src/main.ts'], css: ['assets/Home-1.css'] },
      '_shell.js': { file: 'assets/shell-2.js' },
      'src/modules/public/PublicBoardPage.vue': { file: 'assets/Board-3.js' },
    }),
  );
  const db = openDb({ file: ':memory:' });
  const app = createApp({ db, config: testConfig, webRoot: dir });

  it('sends the precompressed brotli file, immutable, with Vary and the right type', async () => {
    const res = await app.request('/assets/app-abc123.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('vary')).toBe('Accept-Encoding');
    expect(brotliDecompressSync(await bytes(res)).toString()).toBe(script);
  });

  it('gzip when only gzip is accepted (made once when the build had none), the file as is when nothing is', async () => {
    const gz = await app.request('/assets/app-abc123.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(await bytes(gz)).toString()).toBe(script);
    const raw = await app.request('/assets/app-abc123.js');
    expect(raw.headers.get('content-encoding')).toBeNull();
    expect(raw.headers.get('vary')).toBe('Accept-Encoding');
    expect(await raw.text()).toBe(script);
  });

  it('images are never re-compressed; client routes get index.html (no-cache) and a 304 on revisit; a missing chunk is a 404', async () => {
    const png = await app.request('/assets/logo-1.png', { headers: { 'accept-encoding': 'br' } });
    expect(png.headers.get('content-encoding')).toBeNull();
    expect(png.headers.get('content-type')).toBe('image/png');
    const page = await app.request('/me', { headers: { 'accept-encoding': 'br' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('private, no-cache');
    expect(page.headers.get('vary')).toMatch(/cookie/i);
    expect(page.headers.get('content-security-policy')).toBeTruthy();
    const revisit = await app.request('/me', { headers: { 'if-none-match': page.headers.get('etag')! } });
    expect(revisit.status).toBe(304);
    expect((await app.request('/assets/gone-123.js')).status).toBe(404);
    expect((await app.request('/.vite/manifest.json')).headers.get('content-type')).toMatch(/text\/html/);
    expect((await app.request('/api/nothing-here')).status).toBe(404);
  });

  it("a first page's HTML names its chunks; a signed-in household's also its session and household; a stranger is never sent to /api/auth/me", async () => {
    const t = { app, db, clock: { now: new Date(), advance() {}, set() {} } } as unknown as TestApp;
    const w = await makeWorld(t);
    const anonymous = await (await app.request('/board/2')).text();
    expect(anonymous).toContain('<link rel="modulepreload" crossorigin href="/assets/Board-3.js">');
    expect(anonymous).not.toContain('/api/auth/me');
    const stranger = await (await app.request('/me')).text();
    expect(stranger).toContain('href="/assets/Home-1.js"');
    expect(stranger).toContain('href="/assets/shell-2.js"');
    expect(stranger).toContain('<link rel="stylesheet" crossorigin href="/assets/Home-1.css">');
    // The entry is in index.html already.
    expect(stranger.match(/app-abc123\.js/g)).toHaveLength(1);
    expect(stranger).not.toContain('/api/auth/me');
    const cookie = await login(t, 'household');
    const mine = await (await app.request('/me', { headers: { cookie } })).text();
    expect(mine).toContain('<link rel="preload" as="fetch" crossorigin="use-credentials" href="/api/auth/me">');
    expect(mine).toContain(`href="/api/households/${w.household.id}"`);
    // Its own balance is drawn in the HTML itself (before any script runs), its name escaped.
    db.$client.prepare('UPDATE households SET balance = 87, head_name = ? WHERE id = ?').run('张<b>三</b>', w.household.id);
    const drawn = await (await app.request('/me', { headers: { cookie } })).text();
    expect(drawn).toMatch(/<div id="app">.*data-test="my-balance">87<\/div>/);
    expect(drawn).toContain('张&#60;b&#62;三&#60;/b&#62;');
    expect(drawn).not.toContain('<b>');
    // A name with replacement patterns is drawn as written, not spliced with the page's own text.
    db.$client.prepare('UPDATE households SET head_name = ? WHERE id = ?').run("王$`$&$'", w.household.id);
    const dollars = await (await app.request('/me', { headers: { cookie } })).text();
    expect(dollars).toContain('王$`$&#38;$&#39;');
    expect(dollars.match(/<head>/gi)).toHaveLength(1);
    expect(dollars.match(/<div id="app">/g)).toHaveLength(1);
    const cadre = await login(t, 'cadre');
    const console_ = await (await app.request('/me', { headers: { cookie: cadre } })).text();
    expect(console_).toContain('/api/auth/me');
    expect(console_).not.toContain('/api/households/');
    expect(console_).not.toContain('my-balance');
    expect(stranger).not.toContain('my-balance');
    const forged = await (await app.request('/me', { headers: { cookie: 'jifen_session=forged-token' } })).text();
    expect(forged).not.toContain('/api/auth/me');
  });
});
