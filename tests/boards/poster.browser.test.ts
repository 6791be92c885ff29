/**
 * The printable red list in Debian's Chromium: Chinese glyphs render (no tofu), a screenshot goes to
 * docs/screenshots/red-list-poster.png, and the A4 PDF has one page per 30 households.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { makeTestApp, type TestApp } from '../support/app';
import { describeWithChromium, launchChromium } from '../support/browser';
import { appendLedgerEntry } from '../../db/ledger';
import { call, grantPoints, login, makeHousehold, makeRule, makeWorld, writeNow } from '../support/factories';

// Like the e2e run: artifacts by default, the committed copy only when asked (JIFEN_UPDATE_SCREENSHOTS=1).
const shots = resolve(import.meta.dirname, process.env.JIFEN_UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots' : '../artifacts/screenshots');
const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎';
const GIVEN = '建国秀英德明桂兰志强春花海燕';

describeWithChromium('the printable red list in Chromium', () => {
  let t: TestApp;
  let server: ServerType;
  let base: string;
  let browser: Browser;
  let villageId: number;
  let households = 0;

  beforeAll(async () => {
    t = makeTestApp();
    const w = await makeWorld(t);
    villageId = w.areas.villageA.id;
    // 44 more households with points, plus the world's own: 45 on the list → 2 A4 pages.
    grantPoints(t.db, w.household.id, villageId, 120, '2026-06-02');
    for (let i = 0; i < 44; i++) {
      const name = `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}${GIVEN[(i * 3 + 1) % GIVEN.length]}`;
      const h = makeHousehold(t.db, villageId, { headName: name });
      grantPoints(t.db, h.id, villageId, 10 + ((i * 37) % 90), '2026-06-05');
    }
    households = 45;
    // Named good deeds for some of them, as posted awards under family-virtue rules would leave.
    const deeds = ['好媳妇', '好婆婆', '孝敬老人'].map((name) => makeRule(t.db, w.areas.county.id, { name, points: 10, category: 'family_virtue' }));
    const ids = t.db.$client.prepare('SELECT id FROM households WHERE village_id = ? ORDER BY id').all(villageId) as Array<{ id: number }>;
    ids.slice(0, 12).forEach(({ id }, i) => {
      const rule = deeds[i % deeds.length];
      writeNow(t.db, () =>
        appendLedgerEntry(t.db, { householdId: id, villageId, kind: 'award', points: 10, conductPoints: 10, occurredOn: '2026-06-08', ruleId: rule.id, category: 'family_virtue', createdAt: Date.UTC(2026, 5, 8) }),
      );
    });
    const cadre = await login(t, 'cadre');
    const reviewer = await login(t, 'reviewer');
    const p = await call(t, 'POST', '/api/boards/publications', { cookie: cadre, body: { kind: 'red', areaId: villageId, period: '2026-06' } });
    expect(p.status).toBe(201);
    expect((await call(t, 'POST', `/api/boards/publications/${p.body.id}/approve`, { cookie: reviewer })).status).toBe(200);
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((ok) => server.once('listening', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  });

  it('renders Chinese glyphs, is saved as a screenshot, and prints one A4 page per 30 households', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 1150 }, deviceScaleFactor: 1 });
    const res = await page.goto(`${base}/print/areas/${villageId}/red?period=2026-06`);
    expect(res?.status()).toBe(200);
    await page.evaluate(() => document.fonts.ready);
    expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans CJK SC"', '红榜'))).toBe(true);
    // A glyph the font really has draws differently from a missing one (the tofu box).
    const differs = await page.evaluate(() => {
      const draw = (text: string) => {
        const canvas = document.createElement('canvas');
        canvas.width = 64;
        canvas.height = 64;
        const g = canvas.getContext('2d')!;
        g.font = '48px "Noto Sans CJK SC"';
        g.fillText(text, 4, 52);
        return Array.from(g.getImageData(0, 0, 64, 64).data).join(',');
      };
      return draw('榜') !== draw('\u{10FFFD}') && draw('红') !== draw('\u{10FFFD}');
    });
    expect(differs).toBe(true);
    expect(await page.locator('h1').first().textContent()).toContain('红');
    expect(await page.locator('.sheet').count()).toBe(Math.ceil(households / 30));
    expect(await page.locator('tbody tr').count()).toBe(households);
    mkdirSync(shots, { recursive: true });
    await page.locator('.sheet').first().screenshot({ path: join(shots, 'red-list-poster.png') });
    await page.emulateMedia({ media: 'print' });
    const pdf = (await page.pdf({ format: 'A4', printBackground: true })).toString('latin1');
    const pages = pdf.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? [];
    expect(pages.length).toBe(Math.ceil(households / 30));
    await page.close();
  }, 120_000);
});
