/**
 * Photo evidence and the dishonesty list in Debian's Chromium at 390×844 against the real server on the
 * demo county: a cadre takes a photo for an award (shrunk in the browser, uploaded with progress), a
 * reviewer sees it beside the proposal and opens it full size; then the cadre proposes listing a
 * household, the reviewer decides, and the household sees its status and how to apply for removal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../support/browser';
import { startDemoApp, type DemoApp } from '../support/demo-app';

const SLOW = { timeout: 30_000 };
const PHONE = { width: 390, height: 844 };
const artifacts = resolve(import.meta.dirname, '../artifacts');

describeWithChromium('photo evidence and the dishonesty list on a phone', () => {
  let demo: DemoApp | undefined;
  let tmp: string;
  let base: string;
  let browser: Browser;
  let photoFile: string;

  beforeAll(async () => {
    demo = await startDemoApp('evidence-web');
    ({ tmp, browser } = demo);
    mkdirSync(artifacts, { recursive: true });
    // A camera-sized photo (4000×3000) with a pattern, so the browser has something to shrink.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><rect width="4000" height="3000" fill="#3c8d40"/><circle cx="2000" cy="1500" r="1100" fill="#f2c14e"/><rect x="600" y="2200" width="2800" height="500" fill="#8b5a2b"/></svg>`;
    photoFile = join(tmp, 'IMG_0001.jpg');
    writeFileSync(photoFile, await sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer());
    base = demo.base;
  }, 300_000);

  afterAll(async () => {
    await demo?.stop();
  });

  async function as(username: string): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await ctx.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${base}/login`);
    await page.locator('input').first().fill(username);
    await page.locator('input[type=password]').fill('jifen123');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/(console|me|counter)/, SLOW);
    return { ctx, page };
  }

  const shoot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: join(artifacts, `evidence-credit-${name}.png`), fullPage });
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  async function pickFirstOption(page: Page, select: string) {
    await page.locator(select).click();
    const option = page.locator('.el-select-dropdown:visible .el-select-dropdown__item').first();
    await option.waitFor(SLOW);
    await option.click();
  }

  it(
    'a cadre attaches a photo to an award on a phone; the reviewer sees it beside the proposal',
    async () => {
      const cadre = await as('cadre');
      const household = await cadre.page.evaluate(async () => {
        const res = await fetch('/api/households?limit=1&offset=0');
        return ((await res.json()) as { items: { id: number; headName: string }[] }).items[0];
      });
      await cadre.page.goto(`${base}/console/awards/new?householdId=${household.id}`);
      await cadre.page.locator('[data-test=rule-select]').waitFor(SLOW);
      await pickFirstOption(cadre.page, '[data-test=rule-select]');
      // What the page sends (a Blob body, which the request event does not expose): recorded at XMLHttpRequest.send.
      await cadre.page.evaluate(() => {
        const w = window as unknown as { sentSizes: number[] };
        w.sentSizes = [];
        const send = XMLHttpRequest.prototype.send;
        XMLHttpRequest.prototype.send = function (body?: Document | XMLHttpRequestBodyInit | null) {
          if (body instanceof Blob) w.sentSizes.push(body.size);
          return send.call(this, body);
        };
      });
      await cadre.page.locator('[data-test=photo-input]').setInputFiles(photoFile);
      await cadre.page.locator('[data-test=photo-done]').waitFor(SLOW);
      const uploads = await cadre.page.evaluate(() => (window as unknown as { sentSizes: number[] }).sentSizes);
      // Shrunk in the browser: a 4000×3000 photo goes up as at most 1600 px, well under its original size.
      expect(uploads).toHaveLength(1);
      expect(uploads[0]).toBeGreaterThan(1000);
      expect(uploads[0]).toBeLessThan(600 * 1024);
      expect(await overflow(cadre.page)).toBeLessThanOrEqual(0);
      await shoot(cadre.page, 'cadre-photo', true);
      await cadre.page.locator('.single__submit').click();
      await cadre.page.locator('.el-alert--success').waitFor(SLOW);
      const mine = await cadre.page.evaluate(async (id) => {
        const res = await fetch(`/api/awards?status=pending&householdId=${id}&limit=5&offset=0`);
        return ((await res.json()) as { items: { id: number; photos: { hash: string; width: number; height: number }[] }[] }).items[0];
      }, household.id);
      expect(mine.photos).toHaveLength(1);
      expect(Math.max(mine.photos[0].width, mine.photos[0].height)).toBe(1600);
      await cadre.ctx.close();

      const reviewer = await as('reviewer');
      await reviewer.page.goto(`${base}/console/review`);
      const thumb = reviewer.page.locator('[data-test=award-photos] img').first();
      await thumb.waitFor(SLOW);
      await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), SLOW).toBeGreaterThan(0);
      expect(await overflow(reviewer.page)).toBeLessThanOrEqual(0);
      await shoot(reviewer.page, 'reviewer-queue');
      await thumb.click();
      const big = reviewer.page.locator('[data-test=photo-viewer] img');
      await big.waitFor(SLOW);
      await expect.poll(() => big.evaluate((img: HTMLImageElement) => img.naturalWidth), SLOW).toBe(1600);
      await shoot(reviewer.page, 'reviewer-photo');
      await reviewer.ctx.close();
    },
    180_000,
  );

  it(
    'the dishonesty list: a cadre proposes, a reviewer decides, the household sees its status',
    async () => {
      const home = await as('household');
      const me = await home.page.evaluate(async () => ((await (await fetch('/api/auth/me')).json()) as { user: { householdId: number; displayName: string | null } }).user);

      const cadre = await as('cadre');
      await cadre.page.goto(`${base}/console/credit`);
      await cadre.page.locator('[data-test=credit-propose]').click();
      // A bad line: the answer to the first keystroke arrives after the answer to the whole name.
      const name = me.displayName ?? '';
      let held = false;
      await cadre.page.route(/\/api\/households\?/, async (route) => {
        const q = new URL(route.request().url()).searchParams.get('q');
        if (q === name.slice(0, 1) && !held) {
          held = true;
          await new Promise((r) => setTimeout(r, 2500));
        }
        await route.continue();
      });
      const picker = cadre.page.locator('.el-dialog [data-test=household-picker]');
      await picker.click();
      await picker.locator('input').pressSequentially(name.slice(0, 1));
      await cadre.page.waitForTimeout(400);
      await picker.locator('input').fill(name);
      await cadre.page.waitForTimeout(3000);
      expect(held).toBe(true);
      // Only the latest search sets the list: every option shown names the household typed.
      const shown = await cadre.page.locator('.el-select-dropdown:visible .el-select-dropdown__item').allInnerTexts();
      expect(shown.length).toBeGreaterThan(0);
      for (const text of shown) expect(text).toContain(name);
      await cadre.page.unroute(/\/api\/households\?/);
      // The option naming this household, not the first one shown: a list from an earlier keystroke may still be open.
      const option = cadre.page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: name }).first();
      await option.waitFor(SLOW);
      await option.click();
      await cadre.page.locator('textarea[data-test=credit-detail]').fill('2026 年冒领帮扶物资，经村民代表会议核实');
      await cadre.page.waitForTimeout(300);
      await shoot(cadre.page, 'cadre-propose');
      await cadre.page.locator('.el-dialog__footer .el-button--primary').click();
      // The demo already lists one 石门村 household: wait for this household's own row.
      const proposedRow = cadre.page.locator('[data-test=credit-row]', { hasText: me.displayName ?? '' }).first();
      await expect.poll(() => proposedRow.locator('[data-test=credit-status]').innerText(), SLOW).toContain('待评议');
      // The proposer cannot decide its own proposal.
      expect(await cadre.page.locator('[data-test=credit-decide]').count()).toBe(0);
      await shoot(cadre.page, 'cadre-list');
      await cadre.ctx.close();

      const reviewer = await as('reviewer');
      await reviewer.page.goto(`${base}/console/credit`);
      await reviewer.page.locator('[data-test=credit-decide]').first().click();
      await reviewer.page.locator('textarea[data-test=credit-note]').fill('村民代表会议评议属实');
      await reviewer.page.waitForTimeout(500); // the dialog's opening animation
      await shoot(reviewer.page, 'reviewer-decide');
      await reviewer.page.locator('.el-dialog__footer .el-button--primary').click();
      await expect.poll(() => reviewer.page.locator('[data-test=credit-row]', { hasText: me.displayName ?? '' }).first().locator('[data-test=credit-status]').innerText(), SLOW).toContain('已列入');
      expect(await overflow(reviewer.page)).toBeLessThanOrEqual(0);
      await shoot(reviewer.page, 'reviewer-listed');
      await reviewer.ctx.close();

      await home.page.goto(`${base}/me`);
      const status = home.page.locator('[data-test=my-credit]');
      await status.waitFor(SLOW);
      const text = await status.innerText();
      expect(text).toContain('已列入失信名单');
      expect(text).toContain('兑换已暂停');
      expect(text).toContain('如何申请移出');
      await status.scrollIntoViewIfNeeded();
      await shoot(home.page, 'household-status');
      await home.ctx.close();
    },
    180_000,
  );
});
