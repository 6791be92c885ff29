/**
 * 超市资金 in Chromium against the real server on the demo county: the clerk of 石门村 reads its store's
 * monthly statement on a phone (390×844) and the township administrator on a desktop (1366×768), with
 * the same numbers the API gives, and the township dashboard's store-money card.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../support/browser';
import { startDemoApp, type DemoApp } from '../support/demo-app';

const SLOW = { timeout: 30_000 };
const artifacts = resolve(import.meta.dirname, '../artifacts');

interface Statement {
  store: { id: number; name: string };
  period: string;
  openingFundsFen: number;
  closingFundsFen: number;
  closingStockFen: number;
  redemptionsCostFen: number;
  redemptionsPointsValueFen: number;
  fundsInFen: number;
  purchasesFen: number;
}

const yuan = (fen: number) => (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

describeWithChromium('store funds statement (browser)', () => {
  let demo: DemoApp | undefined;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoApp('funds');
    ({ browser } = demo);
    mkdirSync(artifacts, { recursive: true });
    base = demo.base;
  }, 300_000);

  afterAll(async () => {
    await demo?.stop();
  });

  async function signIn(page: Page, username: string) {
    await page.goto(`${base}/login`);
    await page.locator('input').first().fill(username);
    await page.locator('input[type=password]').fill('jifen123');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/(console|counter)/, SLOW);
  }

  async function api<T>(page: Page, path: string): Promise<T> {
    return page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;
  }

  async function statementShown(page: Page, s: Statement) {
    const card = page.locator('[data-test=statement]');
    await card.waitFor(SLOW);
    const text = await card.innerText();
    for (const fen of [s.openingFundsFen, s.closingFundsFen, s.closingStockFen, s.redemptionsCostFen, s.redemptionsPointsValueFen]) expect(text).toContain(yuan(fen));
    expect(text).toContain('期末资金余额');
    expect(text).toContain('期末库存价值');
    expect(text).toContain('其中捐赠商品');
    expect(text).not.toContain('-0.00');
  }

  it(
    'the clerk reads its own store’s statement on a phone: the API’s numbers, nothing sideways, entries as cards',
    async () => {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'zh-CN' });
      const page = await ctx.newPage();
      await signIn(page, 'clerk');
      await page.goto(`${base}/console/funds`);
      const me = await api<{ user: { areaId: number } }>(page, '/api/auth/me');
      const month = await page.locator('[data-test=funds-month] input').inputValue();
      expect(month).toMatch(/^\d{4}-\d{2}$/);
      const s = await api<Statement>(page, `/api/funds/statement?storeAreaId=${me.user.areaId}&month=${month}`);
      expect(s.store.id).toBe(me.user.areaId);
      await expect(page.locator('[data-test=statement-title]').innerText()).resolves.toContain(`${s.store.name} · ${month}`);
      expect(s.openingFundsFen + s.fundsInFen - s.purchasesFen).toBe(s.closingFundsFen);
      await statementShown(page, s);
      // A clerk records no money: no funding button; the entries are cards, not a wide table.
      expect(await page.locator('[data-test=funds-record]').count()).toBe(0);
      await page.locator('[data-test=entries] article').first().waitFor(SLOW);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(artifacts, 'funds-statement-390.png'), fullPage: true });
      await ctx.close();
    },
    120_000,
  );

  it(
    'the township administrator reads a village store’s statement at 1366×768, records funding, and sees the stores on the dashboard',
    async () => {
      const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
      const page = await ctx.newPage();
      await signIn(page, 'township');
      await page.goto(`${base}/console/funds`);
      await page.locator('[data-test=statement]').waitFor(SLOW);
      await page.locator('[data-test=funds-store]').click();
      await page.locator('.el-select-dropdown__item', { hasText: '石门村' }).click();
      const month = await page.locator('[data-test=funds-month] input').inputValue();
      const areas = await api<{ items: { id: number; name: string }[] }>(page, '/api/areas');
      const village = areas.items.find((a) => a.name === '石门村')!;
      let s = await api<Statement>(page, `/api/funds/statement?storeAreaId=${village.id}&month=${month}`);
      // The page has switched to the village's store once its opening balance is on screen.
      await page.waitForFunction((text) => document.querySelector('[data-test=statement]')?.textContent?.includes(text) ?? false, yuan(s.openingFundsFen), SLOW);
      await statementShown(page, s);
      // 村集体 pays in 123.45 元 today: the closing balance moves by exactly that.
      await page.locator('[data-test=funds-record]').click();
      await page.locator('[data-test=funding-source]').click();
      await page.locator('.el-select-dropdown__item', { hasText: '村集体' }).click();
      await page.locator('[data-test=funding-source-name]').fill('石门村股份经济合作社');
      await page.locator('[data-test=funding-amount]').fill('123.45');
      await page.getByRole('button', { name: '保存' }).click();
      await page.locator('.el-dialog').waitFor({ state: 'detached', ...SLOW });
      const after = await api<Statement>(page, `/api/funds/statement?storeAreaId=${village.id}&month=${month}`);
      expect(after.closingFundsFen - s.closingFundsFen).toBe(12_345);
      s = after;
      await page.waitForFunction((text) => document.querySelector('[data-test=statement]')?.textContent?.includes(text) ?? false, yuan(s.closingFundsFen), SLOW);
      await expect(page.locator('[data-test=entries]').innerText()).resolves.toContain('石门村股份经济合作社');
      await page.screenshot({ path: join(artifacts, 'funds-statement-1366.png'), fullPage: true });
      await page.goto(`${base}/console/dashboard`);
      const money = page.locator('[data-test=chart-money]');
      await money.waitFor(SLOW);
      await money.scrollIntoViewIfNeeded();
      const text = await money.innerText();
      expect(text).toContain('石门村');
      expect(text).toContain('期末资金');
      await money.screenshot({ path: join(artifacts, 'funds-dashboard-1366.png') });
      await ctx.close();
    },
    120_000,
  );
});
