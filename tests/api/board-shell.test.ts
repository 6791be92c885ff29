/**
 * The public board's first rows are in the first HTML (issue #12 item 15): a villager scanning a poster on bad
 * signal reads the board before the scripts arrive. The rows are the public JSON route's own (masked names, the
 * same order and points), every text escaped, at most one screen of them; the HTML names that JSON answer as an
 * early fetch so the app does not ask again after it mounts. A bad area or period draws nothing.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { createApp } from '../../server/app';
import { testConfig, type TestApp } from '../support/app';
import { grantPoints, makeHousehold, makeWorld } from '../support/factories';

describe('the public board drawn in the first HTML', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-board-shell-'));
  mkdirSync(join(dir, 'assets'));
  mkdirSync(join(dir, '.vite'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/app-1.js"></script></head><body><div id="app"></div></body></html>');
  writeFileSync(join(dir, 'assets', 'app-1.js'), 'export {};');
  writeFileSync(join(dir, '.vite', 'manifest.json'), JSON.stringify({ 'src/main.ts': { file: 'assets/app-1.js', isEntry: true }, 'src/modules/public/PublicBoardPage.vue': { file: 'assets/Board-3.js' } }));
  const db = openDb({ file: ':memory:' });
  const app = createApp({ db, config: testConfig, webRoot: dir });
  const t = { app, db, clock: { now: new Date(), advance() {}, set() {} } } as unknown as TestApp;
  let townId = 0;
  let villageId = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const w = await makeWorld(t);
    townId = w.areas.townA.id;
    villageId = w.areas.villageA.id;
    // A hostile name and village name: both reach the page, so both must be escaped.
    db.$client.prepare('UPDATE areas SET name = ? WHERE id = ?').run('石<i>门</i>村', villageId);
    const hostile = makeHousehold(db, villageId, { headName: '<img src=x onerror=alert(1)>' });
    await grantPoints(db, hostile.id, villageId, 90);
    await grantPoints(db, w.household.id, villageId, 40);
    // More than one screen of ranked households.
    for (let i = 0; i < 60; i++) await grantPoints(db, makeHousehold(db, villageId, { headName: `王${i}明` }).id, villageId, 1 + i % 7);
  });

  const rowsOf = (html: string) => [...html.matchAll(/<li><span class="jf-boot__no">(\d+)<\/span><b>([^<]*)<\/b><span class="jf-boot__v">([^<]*)<\/span><span class="jf-boot__p">([^<]*)分<\/span><\/li>/g)];
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));

  it("draws the first screen of the JSON route's own rows, escaped, and names that answer as an early fetch", async () => {
    const res = await app.request(`/board/${townId}?period=2026`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const json = (await (await app.request(`/api/public/areas/${townId}/leaderboard?period=2026&limit=500`)).json()) as { area: { name: string }; items: { rank: number; name: string; village: string; points: number }[] };
    expect(json.items.length).toBeGreaterThan(50);
    const rows = rowsOf(html);
    expect(rows).toHaveLength(50);
    rows.forEach((r, i) => {
      const want = json.items[i];
      expect([Number(r[1]), unescape(r[2]), unescape(r[3]), Number(r[4])]).toEqual([want.rank, want.name, want.village, want.points]);
    });
    expect(html).toContain(`<h1 class="jf-boot__title">${json.area.name}积分榜</h1>`);
    expect(html).toContain('data-test="leaderboard"');
    // Nothing from a name or a village becomes markup.
    expect(html).not.toMatch(/<img|<i>|onerror=alert\(1\)>/);
    expect(html).toContain('石&#60;i&#62;门&#60;/i&#62;村');
    // Never an unmasked name: the board's names are the JSON route's masked ones.
    expect(html).not.toContain('王10明');
    expect(html).toContain(`<link rel="preload" as="fetch" crossorigin="use-credentials" href="/api/public/areas/${townId}/leaderboard?period=2026&#38;limit=500">`);
    // The inline style is the only inline element the CSP must allow: no inline script.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
  });

  it("without a period it draws this year's board, as the app does", async () => {
    const year = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4);
    const html = await (await app.request(`/board/${townId}`)).text();
    expect(html).toContain(`${year} 年 · `);
    expect(html).toContain(`leaderboard?period=${year}&#38;limit=500`);
  });

  it('an unknown area, a bad period or no area draws nothing and names no early fetch', async () => {
    for (const path of ['/board/999999?period=2026', `/board/${townId}?period=2026-13`, `/board/${townId}?period=<script>`, '/board', '/board/abc']) {
      const html = await (await app.request(path)).text();
      if (path.includes('<script>')) {
        // A period the app would not use either: this year's board instead, never the raw text.
        expect(html).not.toContain('<script>');
        continue;
      }
      expect(html, path).not.toContain('jf-boot');
      expect(html, path).not.toContain('/leaderboard?');
    }
  });
});
