/**
 * The batch sheet sends one batch per sheet (issue #12 item 7), in Chromium against the real server on the demo
 * county: a double click on 提交 creates one batch; when the answer is lost (the server committed, the browser never
 * heard) a reload restores the draft with its Idempotency-Key and the resubmit gets the first batch back instead of
 * creating a second; after a success the next sheet gets a new key and is a new batch.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../support/browser';
import { startDemoApp, type DemoApp } from '../support/demo-app';

const SLOW = { timeout: 30_000 };

interface RuleRow {
  id: number;
  name: string;
  points: number;
  monthlyCap: number | null;
  evidenceRequired: boolean;
  active: boolean;
}

describeWithChromium('batch sheet: one batch per sheet', () => {
  let demo: DemoApp | undefined;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoApp('batch-once');
    ({ browser } = demo);
  }, 300_000);

  afterAll(async () => {
    await demo?.stop();
  });

  async function api<T>(page: Page, path: string): Promise<T> {
    return page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;
  }

  /** Every award of the village, whatever its state: what a second batch would add to. */
  async function awardCount(page: Page, villageId: number): Promise<number> {
    return (await api<{ total: number }>(page, `/api/awards?villageId=${villageId}&limit=1`)).total;
  }

  async function typeTwoRows(page: Page) {
    const rows = page.locator('.grid__row');
    await rows.first().waitFor(SLOW);
    for (const i of [0, 1]) await rows.nth(i).locator('input').first().fill('1');
  }

  async function confirmOnce(page: Page) {
    const box = page.locator('.el-message-box');
    await box.first().waitFor(SLOW);
    await page.waitForTimeout(300);
    // One confirmation for the two clicks, not two stacked ones.
    expect(await box.count()).toBe(1);
    await page.locator('.el-message-box__btns .el-button--primary').click();
  }

  async function doneText(page: Page): Promise<string> {
    return page.locator('.el-alert--success').first().innerText(SLOW);
  }

  it('a double click on 提交 creates one batch; a lost answer resubmitted after a reload creates none; the next sheet is new', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    try {
      const page = await ctx.newPage();
      page.on('dialog', (d) => void d.accept());
      await page.goto(`${demo!.base}/login`);
      await page.locator('input').first().fill('cadre');
      await page.locator('input[type=password]').fill('jifen123');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/console/, SLOW);
      const villageId = (await api<{ user: { areaId: number } }>(page, '/api/auth/me')).user.areaId;
      const rules = (await api<{ items: RuleRow[] }>(page, `/api/rules?areaId=${villageId}&includeInactive=0`)).items;
      // No monthly cap: the only thing that can stop a second batch here is the key.
      const rule = rules.find((r) => r.active && r.monthlyCap === null && !r.evidenceRequired && r.points > 0);
      expect(rule, 'the demo has an uncapped rule without evidence').toBeTruthy();

      await page.goto(`${demo!.base}/console/awards/batch`);
      await typeTwoRows(page);
      await page.locator('[data-test=rule-select]').click();
      await page.keyboard.type(rule!.name);
      await page.locator('.el-select-dropdown__item', { hasText: rule!.name }).first().click();

      // 1. Double click.
      const before = await awardCount(page, villageId);
      await page.locator('[data-test=batch-submit]').dblclick();
      await confirmOnce(page);
      expect(await doneText(page)).toContain('已提交 2 条');
      await page.waitForTimeout(500);
      expect(await awardCount(page, villageId)).toBe(before + 2);

      // 2. The server commits, the answer never arrives; the draft (with its key) survives a reload.
      await typeTwoRows(page);
      await page.waitForTimeout(300); // the draft is written on the next tick
      let posts = 0;
      await page.route('**/api/awards/batch', async (route) => {
        posts += 1;
        await route.fetch();
        await route.abort('connectionreset');
      });
      await page.locator('[data-test=batch-submit]').click();
      await confirmOnce(page);
      await page.locator('.jf-error[role=alert]').waitFor(SLOW);
      expect(posts).toBe(1);
      expect(await awardCount(page, villageId)).toBe(before + 4);
      await page.unroute('**/api/awards/batch');

      await page.reload();
      await page.locator('[data-test=draft-restored]').waitFor(SLOW);
      await page.locator('[data-test=batch-submit]').click();
      await confirmOnce(page);
      // The first answer, given again: the same two awards, no new ones.
      expect(await doneText(page)).toContain('已提交 2 条');
      await page.waitForTimeout(500);
      expect(await awardCount(page, villageId)).toBe(before + 4);

      // 3. After a success the key is new: the next sheet is a batch of its own.
      await typeTwoRows(page);
      await page.locator('[data-test=batch-submit]').click();
      await confirmOnce(page);
      await page.locator('.el-alert--success').first().waitFor(SLOW);
      await expect.poll(() => awardCount(page, villageId), SLOW).toBe(before + 6);
    } finally {
      await ctx.close();
    }
  }, 180_000);
});
