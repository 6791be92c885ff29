/**
 * The area's own headings on the dashboard and the public boards, in Chromium against the real server on
 * the demo county: 龙潭村 keeps its own catalogue (imported from the shipped template), so its cadre's
 * dashboard groups points under 思想文化建设 … 减分项目, its township's under the template's headings
 * then 龙潭村's, and the public leaderboard offers 龙潭村's headings as categories. Phone (390×844) and
 * desktop (1366×768); screenshots in docs/screenshots.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../support/browser';
import { startDemoApp, type DemoApp } from '../support/demo-app';

const SLOW = { timeout: 30_000 };
const shots = resolve(import.meta.dirname, '../../docs/screenshots');
const OWN = ['思想文化建设', '文明乡村建设', '美丽家园建设', '村民自强自立', '减分项目'];
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'zh-CN' };
const DESKTOP = { viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: 'zh-CN' };

interface Category {
  category: string;
  name: string;
  label: string;
  place: string;
  awarded: number;
  deducted: number;
}

describeWithChromium('the area’s headings on the dashboard and the public boards (browser)', () => {
  let demo: DemoApp | undefined;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoApp('headings');
    ({ browser, base } = demo);
    mkdirSync(shots, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await demo?.stop();
  });

  async function signIn(page: Page, username: string) {
    await page.goto(`${base}/login`);
    await page.locator('input').first().fill(username);
    await page.locator('input[type=password]').fill('jifen123');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console/, SLOW);
  }

  const api = <T,>(page: Page, path: string): Promise<T> => page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;

  async function categoriesCard(page: Page): Promise<string> {
    const card = page.locator('[data-test=chart-categories]');
    await card.locator('.el-table__body tr').first().waitFor(SLOW);
    return card.innerText();
  }

  it(
    '龙潭村’s cadre sees its own headings on the dashboard, with the API’s figures, on a desktop and a phone',
    async () => {
      for (const [size, options] of [['1366', DESKTOP], ['390', PHONE]] as const) {
        const ctx = await browser.newContext(options);
        const page = await ctx.newPage();
        await signIn(page, 'cadre3');
        await page.goto(`${base}/console/dashboard`);
        const text = await categoriesCard(page);
        for (const name of OWN) expect(text).toContain(name);
        expect(text).toContain('公益劳动');
        // No code leaks through as a label.
        expect(text).not.toMatch(/\bh\d+\b|public_welfare/);
        const me = await api<{ user: { areaId: number } }>(page, '/api/auth/me');
        const year = await page.evaluate(() => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4));
        const d = await api<{ categories: Category[] }>(page, `/api/dashboard?areaId=${me.user.areaId}&period=${year}`);
        const ownRows = d.categories.filter((c) => c.place === 'own');
        expect(ownRows.map((c) => c.name)).toEqual(OWN);
        const rows = await page.locator('[data-test=chart-categories] .el-table__body tr').allInnerTexts();
        const deduction = rows.find((r) => r.includes('减分项目'));
        expect(deduction?.replace(/\s+/g, ' ')).toContain(String(ownRows[4].deducted));
        // The card at the top of the view, its table scrolled down to the village's own headings.
        await page.locator('[data-test=chart-categories]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await page.locator('[data-test=chart-categories] .el-scrollbar__wrap').first().evaluate((el) => el.scrollTo(0, el.scrollHeight));
        await page.waitForTimeout(300);
        await page.screenshot({ path: resolve(shots, `dashboard-headings-${size}.png`), fullPage: false });
        await ctx.close();
      }
    },
    240_000,
  );

  it(
    'the township sees the template’s headings, then 龙潭村’s own named with the village',
    async () => {
      const ctx = await browser.newContext(DESKTOP);
      const page = await ctx.newPage();
      await signIn(page, 'township');
      await page.goto(`${base}/console/dashboard`);
      const text = await categoriesCard(page);
      expect(text).toContain('环境卫生');
      expect(text).toContain('文明乡村建设（龙潭村）');
      await ctx.close();
    },
    120_000,
  );

  it(
    'the public leaderboard of 龙潭村 offers its own headings and ranks by one; its township groups them under 龙潭村',
    async () => {
      const ctx = await browser.newContext(PHONE);
      const page = await ctx.newPage();
      await page.goto(`${base}/login`);
      const areas = await api<{ items: { id: number; name: string; kind: string }[] }>(page, '/api/public/areas');
      const village = areas.items.find((a) => a.name === '龙潭村')!;
      const township = areas.items.find((a) => a.name === '石门镇')!;
      await page.goto(`${base}/public/areas/${village.id}/leaderboard`);
      const select = page.locator('.pb__bar select').nth(1);
      await expect.poll(async () => (await select.locator('option').allInnerTexts()).join('|'), SLOW).toContain('减分项目');
      const options = await select.locator('option').allInnerTexts();
      for (const name of OWN) expect(options).toContain(name);
      expect(options).toContain('公益劳动');
      const headings = await api<{ items: { code: string; name: string }[] }>(page, `/api/public/areas/${village.id}/headings`);
      const civic = headings.items.find((h) => h.name === '文明乡村建设')!;
      await select.selectOption(civic.code);
      await page.waitForURL(new RegExp(`category=${civic.code}`), SLOW);
      await page.locator('.pb__facts').waitFor(SLOW);
      await page.screenshot({ path: resolve(shots, 'public-board-headings-390.png'), fullPage: false });
      await ctx.close();

      const wide = await browser.newContext(DESKTOP);
      const desk = await wide.newPage();
      await desk.goto(`${base}/public/areas/${township.id}/leaderboard`);
      const group = desk.locator('.pb__bar select').nth(1).locator('optgroup[label=龙潭村]');
      await group.waitFor({ state: 'attached', ...SLOW });
      // Named with the village even when the closed select shows one alone: a village's heading is not the county's.
      expect(await group.locator('option').allInnerTexts()).toEqual(OWN.map((n) => `${n}（龙潭村）`));
      await desk.locator('.pb__bar select').nth(1).selectOption(civic.code);
      await desk.waitForURL(new RegExp(`category=${civic.code}`), SLOW);
      await desk.locator('.pb__facts').waitFor(SLOW);
      await desk.screenshot({ path: resolve(shots, 'public-board-headings-1366.png'), fullPage: false });
      await wide.close();
    },
    120_000,
  );
});
