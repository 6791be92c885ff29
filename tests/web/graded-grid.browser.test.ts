/**
 * The graded inspection sheet (按等级评分) in Debian's Chromium against the real server on the demo county,
 * where 石门村's hygiene inspection of this month is never recorded: on a phone the cadre maps 优/良/差 to
 * rules once, sets everyone to 良, grades exceptions with the keys 1 and 3, and submits one batch; on a
 * desktop the same sheet again is refused by the monthly caps, naming and marking the households.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../support/browser';
import { startDemoApp, type DemoApp } from '../support/demo-app';

const SLOW = { timeout: 30_000 };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
const artifacts = resolve(import.meta.dirname, '../artifacts');

interface AwardRow {
  householdId: number;
  ruleId: number;
  ruleName: string;
  points: number;
  batchId: number | null;
  occurredOn: string;
}

describeWithChromium('graded inspection sheet', () => {
  let demo: DemoApp | undefined;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoApp('grade');
    ({ browser } = demo);
    mkdirSync(artifacts, { recursive: true });
    base = demo.base;
  }, 300_000);

  afterAll(async () => {
    await demo?.stop();
  });

  async function open(viewport: { width: number; height: number }): Promise<{ ctx: BrowserContext; page: Page }> {
    const mobile = viewport.width < 600;
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: mobile, hasTouch: mobile, locale: 'zh-CN' });
    const page = await ctx.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${base}/login`);
    await page.locator('input').first().fill('cadre');
    await page.locator('input[type=password]').fill('jifen123');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console/, SLOW);
    await page.goto(`${base}/console/awards/batch`);
    await page.locator('[data-test=mode-grade]').click();
    await page.locator('.gg__row').first().waitFor(SLOW);
    return { ctx, page };
  }

  async function pending(page: Page): Promise<AwardRow[]> {
    return page.evaluate(async () => {
      const res = await fetch('/api/awards?status=pending&limit=500');
      return ((await res.json()) as { items: AwardRow[] }).items;
    });
  }

  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const shoot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `graded-grid-${name}.png`) });

  it(
    'grades a whole village in one sheet on a phone and submits it as one batch of three rules',
    async () => {
      const { ctx, page } = await open(PHONE);
      const rows = page.locator('.gg__row');
      const n = await rows.count();
      expect(n).toBeGreaterThan(50);
      // The demo catalogue names its grades, so the three rules are mapped for the cadre.
      for (const g of ['top', 'good', 'poor']) expect(await page.locator(`[data-test=grade-rule-${g}] .el-select__placeholder`).first().innerText()).toMatch(/月评/);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await shoot(page, 'phone-empty');

      await page.locator('[data-test=grade-fill-good]').click();
      await rows.nth(0).focus();
      await page.keyboard.press('1'); // 优, then on to the next row
      await page.keyboard.press('1');
      await page.keyboard.press('3'); // 差
      // Focus moved on with each key: the fourth row is where the cadre is.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-household'))).toBe(await rows.nth(3).getAttribute('data-household'));
      await rows.nth(4).locator('.gg__opt--poor').click();
      expect(await rows.nth(0).getAttribute('data-grade')).toBe('top');
      expect(await rows.nth(1).getAttribute('data-grade')).toBe('top');
      expect(await rows.nth(2).getAttribute('data-grade')).toBe('poor');
      expect(await rows.nth(3).getAttribute('data-grade')).toBe('good');
      expect(await rows.nth(4).getAttribute('data-grade')).toBe('poor');
      const summary = await page.locator('[data-test=grade-summary]').innerText();
      expect(summary).toContain('2 户');
      expect(summary).toContain(`${n - 4} 户`);
      expect(summary).toContain('未评 0 户');
      await page.locator('[data-test=grade-summary]').scrollIntoViewIfNeeded();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await shoot(page, 'phone-graded');

      const before = (await pending(page)).length;
      await page.locator('[data-test=grade-submit]').click();
      await page.locator('.el-message-box__btns .el-button--primary').click();
      await page.locator('.el-message--success').waitFor(SLOW);
      const after = await pending(page);
      const added = after.slice(0, after.length - before); // newest first
      expect(added).toHaveLength(n);
      expect(new Set(added.map((a) => a.batchId)).size).toBe(1);
      const byRule = new Map<string, number>();
      for (const a of added) byRule.set(a.ruleName, (byRule.get(a.ruleName) ?? 0) + 1);
      expect(byRule).toEqual(
        new Map([
          ['庭院整洁（月评·优）', 2],
          ['庭院整洁（月评·良）', n - 4],
          ['庭院脏乱（月评·差）', 2],
        ]),
      );
      expect(await page.locator('.gg__row[data-grade=""]').count()).toBe(n);
      await shoot(page, 'phone-submitted');
      await ctx.close();
    },
    240_000,
  );

  it(
    'refuses the same sheet again on a desktop, naming the households and marking their rows',
    async () => {
      const { ctx, page } = await open(DESKTOP);
      await page.locator('[data-test=grade-fill-good]').click();
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await shoot(page, 'desktop-graded');
      await page.locator('[data-test=grade-submit]').click();
      await page.locator('.el-message-box__btns .el-button--primary').click();
      const refusal = page.locator('[data-test=grade-refusal]');
      await refusal.waitFor(SLOW);
      const text = await refusal.innerText();
      expect(text).toContain('庭院整洁（月评·良）');
      expect(text).toContain('每户每月最多 1 次');
      const n = await page.locator('.gg__row').count();
      // Caps count per rule: the four households graded 优 or 差 before have not had 良 this month.
      expect(await page.locator('.gg__row--refused').count()).toBe(n - 4);
      await page.waitForTimeout(600); // the smooth scroll
      const box = await refusal.boundingBox();
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeLessThan(DESKTOP.height - 100);
      await shoot(page, 'desktop-refused');
      // 跳过这些，提交其余: the four households without 良 this month go in one more batch.
      const before = (await pending(page)).length;
      await page.locator('[data-test=grade-skip-refused]').click();
      await page.locator('.el-message--success').waitFor(SLOW);
      expect((await pending(page)).length - before).toBe(4);
      expect(await page.locator('[data-test=grade-refusal]').count()).toBe(0);
      await ctx.close();
    },
    120_000,
  );
});
