/**
 * The console as a village cadre and a reviewer use it on a phone (390×844), in Debian's Chromium against the
 * real server on the demo county: a refused batch names its households at the top and submits the rest in
 * one tap; typed entries survive a reload and an ended session; the audit log reads in words; a reviewer
 * approves a whole batch proposal in one step after its summary.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../support/browser';
import { startDemoApp, type DemoApp } from '../support/demo-app';

const SLOW = { timeout: 30_000 };
const PHONE = { width: 390, height: 844 };
const artifacts = resolve(import.meta.dirname, '../artifacts');

interface RuleRow {
  id: number;
  name: string;
  points: number;
  monthlyCap: number | null;
  evidenceRequired: boolean;
  active: boolean;
}
interface HouseholdRow {
  id: number;
  headName: string;
  doorNo: string | null;
}

describeWithChromium('console in the field (phone)', () => {
  let demo: DemoApp | undefined;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoApp('field');
    ({ browser } = demo);
    mkdirSync(artifacts, { recursive: true });
    base = demo.base;
  }, 300_000);

  afterAll(async () => {
    await demo?.stop();
  });

  async function phone(): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await ctx.newPage();
    // A reload with typed entries asks first (beforeunload); the test answers "leave".
    page.on('dialog', (d) => void d.accept());
    return { ctx, page };
  }

  async function login(page: Page, username: string) {
    await page.locator('input').first().fill(username);
    await page.locator('input[type=password]').fill('jifen123');
    await page.keyboard.press('Enter');
  }

  async function api<T>(page: Page, path: string, init?: { method: string; body: unknown }): Promise<{ status: number; body: T }> {
    return page.evaluate(
      async ({ path, init }) => {
        const res = await fetch(path, init ? { method: init.method, headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify(init.body) } : {});
        return { status: res.status, body: await res.json() };
      },
      { path, init },
    );
  }

  /** No element wider than the screen: nothing hides in a sideways scroll. */
  async function horizontalOverflow(page: Page): Promise<number> {
    return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  }

  async function shoot(page: Page, name: string) {
    await page.screenshot({ path: join(artifacts, `console-field-${name}.png`) });
  }

  it(
    'a refused batch names the households at the top, marks them and submits the rest in one tap; a reviewer approves it whole on the phone',
    async () => {
      const { ctx, page } = await phone();
      await page.goto(`${base}/login`);
      await login(page, 'cadre');
      await page.waitForURL(/\/console/, SLOW);
      const me = await api<{ user: { areaId: number } }>(page, '/api/auth/me');
      const villageId = me.body.user.areaId;
      const rules = (await api<{ items: RuleRow[] }>(page, `/api/rules?areaId=${villageId}&includeInactive=0`)).body.items;
      const rule = rules.find((r) => r.active && r.monthlyCap === 1 && !r.evidenceRequired && r.points > 0);
      expect(rule, 'the demo has a once-a-month rule').toBeTruthy();
      const households = (await api<{ items: HouseholdRow[] }>(page, `/api/households?villageId=${villageId}&limit=500`)).body.items;
      expect(households.length).toBeGreaterThan(5);
      // Three households already have this month's entry: a second one goes over the cap.
      const capped = households.slice(0, 3);
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const pre = await api(page, '/api/awards/batch', { method: 'POST', body: { ruleId: rule!.id, occurredOn: today, items: capped.map((h) => ({ householdId: h.id, quantity: 1 })) } });
      expect([201, 422]).toContain(pre.status);

      await page.goto(`${base}/console/awards/batch`);
      await page.locator('.grid__row').first().waitFor(SLOW);
      await page.locator('[data-test=rule-select]').click();
      await page.keyboard.type(rule!.name);
      await page.locator('.el-select-dropdown__item', { hasText: rule!.name }).first().click();
      await page.locator('[data-test=fill-blank]').click();
      // Scroll to the bottom, as a cadre does after typing every row, then submit.
      await page.locator('[data-test=batch-submit]').scrollIntoViewIfNeeded();
      await page.locator('[data-test=batch-submit]').click();
      await page.locator('.el-message-box__btns .el-button--primary').click();

      const refusal = page.locator('[data-test=batch-refusal]');
      await refusal.waitFor(SLOW);
      await page.waitForTimeout(600); // the smooth scroll
      const box = await refusal.boundingBox();
      expect(box, 'refusal rendered').toBeTruthy();
      // In view: its top is on the screen, not below the fold.
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeLessThan(PHONE.height - 100);
      const text = await refusal.innerText();
      expect(text).toContain('每户每月最多 1 次');
      expect(text).not.toMatch(/1月/);
      for (const h of capped) expect(text).toContain(h.doorNo ? `${h.headName}（${h.doorNo}）` : h.headName);
      // Every refused household, none by its internal id, each row marked in the sheet.
      const listed = await refusal.locator('li').count();
      expect(listed).toBeGreaterThanOrEqual(3);
      expect(await page.locator('.grid__row--refused').count()).toBe(listed);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shoot(page, 'batch-refusal');

      await page.locator('[data-test=skip-refused]').click();
      const doneText = await page.locator('.el-alert--success').first().innerText(SLOW);
      const submitted = Number(/已提交 (\d+) 条/.exec(doneText)?.[1]);
      expect(submitted).toBe(households.length - listed);
      expect(await page.locator('[data-test=batch-refusal]').count()).toBe(0);
      await shoot(page, 'batch-submitted');
      await ctx.close();

      // The reviewer, on a phone: one batch, its summary, one tap.
      const r = await phone();
      await r.page.goto(`${base}/login`);
      await login(r.page, 'reviewer');
      await r.page.waitForURL(/\/console\/review/, SLOW);
      const batchCard = r.page.locator('[data-test=review-batch]', { hasText: rule!.name }).first();
      await batchCard.waitFor(SLOW);
      const batchId = Number(await batchCard.locator('[data-test=review-batch-open]').getAttribute('data-batch'));
      expect(Number.isInteger(batchId)).toBe(true);
      await batchCard.locator('[data-test=review-batch-open]').click();
      const count = r.page.locator('[data-test=batch-count]');
      await count.waitFor(SLOW);
      expect(await count.innerText()).toContain(`${submitted} 条`);
      expect(await r.page.locator('[data-test=batch-rule]').innerText()).toContain(rule!.name);
      expect(await r.page.locator('[data-test=batch-points]').innerText()).toBe(`+${submitted * rule!.points}`);
      const approve = r.page.locator('[data-test=batch-approve-all]');
      const ab = await approve.boundingBox();
      expect(ab!.x + ab!.width).toBeLessThanOrEqual(PHONE.width);
      expect(ab!.y + ab!.height).toBeLessThanOrEqual(PHONE.height);
      await r.page.waitForTimeout(500); // the dialog's fade-in
      await shoot(r.page, 'review-batch-summary');
      await approve.click();
      await r.page.locator('.el-message--success').first().waitFor(SLOW);
      // Every award of the batch is past review, none left pending.
      expect((await api<{ total: number }>(r.page, `/api/awards?status=pending&limit=1&batchId=${batchId}`)).body.total).toBe(0);
      const reviewed = await api<{ total: number }>(r.page, `/api/awards?limit=1&batchId=${batchId}`);
      expect(reviewed.body.total).toBe(submitted);
      expect(await horizontalOverflow(r.page)).toBeLessThanOrEqual(0);
      await shoot(r.page, 'review-after');

      // Objections view on the phone: the decision buttons are on the screen.
      await r.page.locator('label', { hasText: '异议' }).first().click();
      await r.page.waitForTimeout(800);
      const uphold = r.page.locator('[data-test=objection-cards] .card__actions .el-button').first();
      if (await uphold.count()) {
        const ub = await uphold.boundingBox();
        expect(ub!.x + ub!.width).toBeLessThanOrEqual(PHONE.width);
      }
      expect(await horizontalOverflow(r.page)).toBeLessThanOrEqual(0);
      await shoot(r.page, 'review-objections');
      await r.ctx.close();
    },
    180_000,
  );

  it(
    'typed entries survive a reload and an ended session; leaving asks first; the audit log reads in words',
    async () => {
      const { ctx, page } = await phone();
      await page.goto(`${base}/login`);
      await login(page, 'cadre');
      await page.waitForURL(/\/console/, SLOW);
      await page.goto(`${base}/console/awards/batch`);
      const inputs = page.locator('.grid__input');
      await inputs.first().waitFor(SLOW);
      // Typed as a Chinese input method types them: full-width digits.
      await inputs.nth(0).fill('２');
      await inputs.nth(1).fill('3');
      await inputs.nth(1).press('Enter');
      await page.waitForTimeout(300);

      await page.reload();
      await page.locator('[data-test=draft-restored]').waitFor(SLOW);
      await expect.poll(() => inputs.nth(0).inputValue(), SLOW).toBe('2');
      expect(await inputs.nth(1).inputValue()).toBe('3');

      // In-app navigation asks first; staying keeps the page.
      await page.locator('.console__brand').click();
      const ask = page.locator('.el-message-box');
      await ask.waitFor(SLOW);
      expect(await ask.innerText()).toContain('未提交');
      await shoot(page, 'leave-guard');
      await ask.locator('.el-message-box__btns .el-button:not(.el-button--primary)').click();
      expect(page.url()).toContain('/console/awards/batch');

      // The session ends (cookie gone): log in again and land on the same sheet with the same entries.
      await ctx.clearCookies();
      await page.reload();
      await page.waitForURL(/\/login\?next=/, SLOW);
      await login(page, 'cadre');
      await page.waitForURL(/\/console\/awards\/batch/, SLOW);
      await page.locator('[data-test=draft-restored]').waitFor(SLOW);
      await expect.poll(() => inputs.nth(0).inputValue(), SLOW).toBe('2');
      expect(await inputs.nth(1).inputValue()).toBe('3');
      await shoot(page, 'draft-restored');

      // Another cadre on the same phone does not see the draft.
      await ctx.clearCookies();
      await page.goto(`${base}/login`);
      await login(page, 'cadre2');
      await page.waitForURL(/\/console/, SLOW);
      await page.goto(`${base}/console/awards/batch`);
      await inputs.first().waitFor(SLOW);
      expect(await page.locator('[data-test=draft-restored]').count()).toBe(0);
      expect(await inputs.nth(0).inputValue()).toBe('');

      await page.goto(`${base}/console/audit`);
      const actions = page.locator('[data-test=audit-action]');
      await actions.first().waitFor(SLOW);
      const labels = await actions.allInnerTexts();
      expect(labels.length).toBeGreaterThan(3);
      for (const l of labels) {
        expect(l).toMatch(/\p{Script=Han}/u);
        expect(l).not.toMatch(/^[a-z_]+\.[a-z_]+$/);
      }
      const body = await page.locator('main, section').first().innerText();
      expect(body).not.toContain('session #');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await shoot(page, 'audit');
      await ctx.close();
    },
    180_000,
  );
});
