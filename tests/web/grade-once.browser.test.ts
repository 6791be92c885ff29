/**
 * The graded inspection sheet (按等级评分) sends one batch per sheet (issue #12 item 7), in Chromium against the real
 * server on the demo county: a double click on 提交 asks once and creates one batch (the click that lands on the
 * confirmation's backdrop does not dismiss it); when the answer is lost (the server committed, the browser never
 * heard) a reload restores the grades with the sheet's Idempotency-Key and the resubmit gets the first batch back;
 * after a success the next sheet is a batch of its own.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../support/browser';
import { startDemoApp, type DemoApp } from '../support/demo-app';

const SLOW = { timeout: 30_000 };

interface AwardRow {
  householdId: number;
  batchId: number | null;
}

describeWithChromium('grade sheet: one batch per sheet', () => {
  let demo: DemoApp | undefined;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoApp('grade-once');
    ({ browser } = demo);
  }, 300_000);

  afterAll(async () => {
    await demo?.stop();
  });

  async function pending(page: Page): Promise<AwardRow[]> {
    return page.evaluate(async () => ((await (await fetch('/api/awards?status=pending&limit=500')).json()) as { items: AwardRow[] }).items);
  }

  async function openGradeMode(page: Page) {
    await page.goto(`${demo!.base}/console/awards/batch`);
    await page.locator('[data-test=mode-grade]').click();
    await page.locator('.gg__row').first().waitFor(SLOW);
  }

  /** 良 for two rows of the sheet, counted from `from`. */
  async function gradeTwo(page: Page, from: number) {
    const rows = page.locator('.gg__row');
    for (const i of [from, from + 1]) await rows.nth(i).locator('.gg__opt--good').click();
  }

  async function confirmOnce(page: Page) {
    const box = page.locator('.el-message-box');
    await box.first().waitFor(SLOW);
    await page.waitForTimeout(400);
    // One question for the two clicks, still open after the second one landed on its backdrop.
    expect(await box.count()).toBe(1);
    expect(await box.first().isVisible()).toBe(true);
    await page.locator('.el-message-box__btns .el-button--primary').click();
  }

  it('a double click creates one batch; a lost answer resubmitted after a reload creates none; the next sheet is new', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    try {
      const page = await ctx.newPage();
      page.on('dialog', (d) => void d.accept());
      const keys: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/awards/batch') keys.push(r.headers()['idempotency-key'] ?? '');
      });
      await page.goto(`${demo!.base}/login`);
      await page.locator('input').first().fill('cadre');
      await page.locator('input[type=password]').fill('jifen123');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/console/, SLOW);
      await openGradeMode(page);
      const start = (await pending(page)).length;

      // 1. Double click on 提交.
      await gradeTwo(page, 0);
      await page.locator('[data-test=grade-submit]').dblclick();
      await confirmOnce(page);
      await page.locator('.el-message--success', { hasText: '已提交 2 条' }).first().waitFor(SLOW);
      await page.waitForTimeout(500);
      const first = await pending(page);
      expect(first.length).toBe(start + 2);
      expect(new Set(first.slice(0, 2).map((a) => a.batchId)).size).toBe(1);
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^[A-Za-z0-9._:-]{8,}$/);

      // 2. The server commits, the answer never arrives; the grades and their key survive a reload.
      await gradeTwo(page, 2);
      await page.waitForTimeout(300); // the draft is written on the next tick
      let posts = 0;
      await page.route('**/api/awards/batch', async (route) => {
        posts += 1;
        await route.fetch();
        await route.abort('connectionreset');
      });
      await page.locator('[data-test=grade-submit]').click();
      await confirmOnce(page);
      await page.locator('.gg .jf-error[role=alert]').waitFor(SLOW);
      expect(posts).toBe(1);
      expect((await pending(page)).length).toBe(start + 4);
      await page.unroute('**/api/awards/batch');

      // After a reload the sheet opens in grade mode by itself, with the grades typed before.
      await page.reload();
      await page.locator('[data-test=grade-draft-restored]').waitFor(SLOW);
      const rows = page.locator('.gg__row');
      expect(await rows.nth(2).getAttribute('data-grade')).toBe('good');
      expect(await rows.nth(3).getAttribute('data-grade')).toBe('good');
      await page.locator('[data-test=grade-submit]').click();
      await confirmOnce(page);
      // The first answer, given again: the same two awards, no new ones.
      await page.locator('.el-message--success', { hasText: '已提交 2 条' }).first().waitFor(SLOW);
      await page.waitForTimeout(500);
      expect((await pending(page)).length).toBe(start + 4);
      expect(keys[keys.length - 1]).toBe(keys[keys.length - 2]);

      // 3. After a success the key is new: the next sheet is a batch of its own.
      await gradeTwo(page, 4);
      await page.locator('[data-test=grade-submit]').click();
      await confirmOnce(page);
      await expect.poll(async () => (await pending(page)).length, SLOW).toBe(start + 6);
      expect(new Set(keys).size).toBe(3);
    } finally {
      await ctx.close();
    }
  }, 240_000);
});
