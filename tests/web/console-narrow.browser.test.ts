/**
 * Every console screen on a phone (390×844), in Debian's Chromium against the real server on the demo county:
 * rules, accounts, areas, a household record and its ledger show as cards with their actions in view and
 * nothing hidden in a sideways scroll; form dialogs take the whole screen and state their length limits;
 * phone numbers are taken as typed. Then the household's own page: its objections' state and outcome,
 * "只看我家" on the 公示 tab, the goods of a redemption in its history, and elderly mode's larger header.
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

describeWithChromium('console and household page at 390 px', () => {
  let demo: DemoApp | undefined;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoApp('narrow');
    ({ browser } = demo);
    mkdirSync(artifacts, { recursive: true });
    base = demo.base;
  }, 300_000);

  afterAll(async () => {
    await demo?.stop();
  });

  async function phoneAs(username: string): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.locator('input').first().fill(username);
    await page.locator('input[type=password]').fill('jifen123');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/(console|me|counter)/, SLOW);
    return { ctx, page };
  }

  async function api<T>(page: Page, path: string, init?: { method: string; body: unknown; key?: string }): Promise<{ status: number; body: T }> {
    return page.evaluate(
      async ({ path, init }) => {
        const res = await fetch(
          path,
          init ? { method: init.method, headers: { 'content-type': 'application/json', 'idempotency-key': init.key ?? crypto.randomUUID() }, body: JSON.stringify(init.body) } : {},
        );
        return { status: res.status, body: await res.json() };
      },
      { path, init },
    );
  }

  /** The page is no wider than the screen, and no element inside it hides content in a sideways scroll. */
  async function assertFits(page: Page) {
    const wide = await page.evaluate(() => ({
      page: document.scrollingElement!.scrollWidth,
      hidden: Array.from(document.querySelectorAll<HTMLElement>('body *'))
        .filter((el) => {
          const style = getComputedStyle(el);
          return (style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1 && el.offsetParent !== null;
        })
        .map((el) => `${el.tagName}.${el.className}`),
    }));
    expect(wide.page).toBeLessThanOrEqual(PHONE.width);
    expect(wide.hidden, 'content hidden in a sideways scroll').toEqual([]);
  }

  /** On screen horizontally: fully between the left and right edge. */
  async function assertInView(page: Page, selector: string) {
    const box = await page.locator(selector).first().boundingBox();
    expect(box, `${selector} rendered`).toBeTruthy();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
  }

  async function shoot(page: Page, name: string) {
    await page.screenshot({ path: join(artifacts, `console-narrow-${name}.png`) });
  }

  it(
    'rules, accounts and areas are cards with their actions in view; a form dialog fills the screen and states its limits',
    async () => {
      const { ctx, page } = await phoneAs('county');

      await page.goto(`${base}/console/rules`);
      await page.locator('[data-test=rule-cards] .jf-card').first().waitFor(SLOW);
      await assertFits(page);
      await assertInView(page, '[data-test=rule-cards] .jf-card .el-button');
      expect(await page.locator('[data-test=rule-cards] .jf-card').first().innerText()).toMatch(/[+-]\d+ \/ /);
      await shoot(page, 'rules');
      await page.locator('.head .el-button--primary').click();
      const dialog = page.locator('.el-dialog.is-fullscreen');
      await dialog.waitFor(SLOW);
      const box = await dialog.boundingBox();
      expect(box!.width).toBe(PHONE.width);
      // The name's limit is stated beside the field (the server's 60), not silently cut.
      await dialog.locator('input').nth(1).waitFor();
      expect(await dialog.locator('.el-input__count').first().innerText()).toMatch(/\/ ?60$/);
      await assertInView(page, '.el-dialog__footer .el-button--primary');
      await page.waitForTimeout(500); // the dialog's fade-in
      await shoot(page, 'rule-dialog');
      await dialog.locator('.el-dialog__footer .el-button').first().click();

      await page.goto(`${base}/console/users`);
      await page.locator('[data-test=user-cards] .jf-card').first().waitFor(SLOW);
      await assertFits(page);
      await assertInView(page, '[data-test=user-cards] .jf-card__actions .el-button');
      await assertInView(page, '.head .el-button--primary');
      await shoot(page, 'users');
      // A username typed full-width by a Chinese input method is the same username.
      await page.locator('.head .el-button--primary').click();
      await page.locator('.el-dialog.is-fullscreen').waitFor(SLOW);
      await page.locator('input[data-test=user-username]').fill('ｗａｎｇ０１');
      await page.locator('input[data-test=user-username]').blur();
      expect(await page.locator('input[data-test=user-username]').inputValue()).toBe('wang01');
      expect(await page.locator('.el-dialog .el-input__count').first().innerText()).toMatch(/\/ ?64$/);
      await page.waitForTimeout(500); // the dialog's fade-in
      await shoot(page, 'user-dialog');
      await page.locator('.el-dialog__footer .el-button').first().click();

      await page.goto(`${base}/console/areas`);
      await page.locator('[data-test=area-cards] .jf-card').first().waitFor(SLOW);
      await assertFits(page);
      await assertInView(page, '[data-test=area-cards] .jf-card__actions .el-button');
      await shoot(page, 'areas');
      await page.locator('[data-test=area-cards] .jf-card__actions .el-button', { hasText: '设置' }).first().click();
      await page.locator('.el-dialog.is-fullscreen').waitFor(SLOW);
      await assertInView(page, '.el-dialog.is-fullscreen .el-dialog__footer .el-button--primary');
      await ctx.close();
    },
    180_000,
  );

  it(
    'a household record and its ledger fit the phone; its dialog takes a phone number as typed',
    async () => {
      const { ctx, page } = await phoneAs('cadre');
      const list = await api<{ items: { id: number }[] }>(page, '/api/households?limit=5');
      const id = list.body.items[0].id;
      await page.goto(`${base}/console/households/${id}`);
      await page.locator('[data-test=ledger-cards] .jf-card').first().waitFor(SLOW);
      await assertFits(page);
      // The three numbers side by side, the ledger's points and reversal in view.
      await assertInView(page, '[data-test=detail-balance]');
      await assertInView(page, '[data-test=ledger-cards] .jf-card .pts');
      await assertInView(page, '[data-test=ledger-cards] .jf-card__actions .el-button');
      await shoot(page, 'household-record');
      await page.locator('[data-test=ledger-cards]').scrollIntoViewIfNeeded();
      await shoot(page, 'household-ledger');
      await page.locator('.el-tabs__item', { hasText: '家庭成员' }).click();
      await page.locator('[data-test=member-cards]').waitFor(SLOW);
      await assertFits(page);

      await page.goto(`${base}/console/households`);
      await page.locator('.page-head .el-button--primary').click();
      await page.locator('.el-dialog.is-fullscreen').waitFor(SLOW);
      const phone = page.locator('input[data-test=household-phone]');
      await phone.fill('１３８ １２３４－５６７８');
      await phone.blur();
      expect(await phone.inputValue()).toBe('13812345678');
      const idNo = page.locator('input[data-test=household-id]');
      await idNo.fill('１１０１０１ １９９００３０７ ２２３ｘ');
      await idNo.blur();
      expect(await idNo.inputValue()).toBe('11010119900307223X');
      expect(await page.locator('.el-dialog .el-input__count').first().innerText()).toMatch(/\/ ?30$/);
      await assertFits(page);
      await shoot(page, 'household-dialog');
      await ctx.close();
    },
    180_000,
  );

  it(
    'the household page: objection state and outcome, only mine, the goods of a redemption, elderly mode',
    async () => {
      const { ctx, page } = await phoneAs('household');
      const me = await api<{ user: { householdId: number } }>(page, '/api/auth/me');
      const householdId = me.body.user.householdId;

      // A redemption at the village store, as a clerk does it: the household shows its code, the clerk hands over goods.
      const clerk = await phoneAs('clerk');
      const shelf = await api<{ items: { id: number; name: string; price: number; stock: number }[] }>(clerk.page, '/api/goods?limit=100');
      const item = shelf.body.items.filter((g) => g.stock > 0 && g.price <= 30).sort((a, b) => a.price - b.price)[0];
      expect(item, 'the store has goods a household can afford').toBeTruthy();
      const pass = await api<{ code: string }>(page, `/api/households/${householdId}/pass`, { method: 'POST', body: {} });
      expect(pass.status).toBe(201);
      const redeemed = await api(clerk.page, '/api/redemptions', { method: 'POST', body: { code: pass.body.code, items: [{ goodsId: item.id, quantity: 1 }] } });
      expect(redeemed.status).toBe(201);
      await clerk.ctx.close();

      await page.reload();
      const goods = page.locator('[data-test=redemption-goods]').first();
      await goods.waitFor(SLOW);
      expect(await goods.innerText()).toContain(`${item.name} × 1`);
      await assertFits(page);
      await goods.scrollIntoViewIfNeeded();
      await shoot(page, 'me-redemption');

      // 公示: the demo household objected to two awards; both show as under review, here and after the list.
      await page.locator('.van-tab', { hasText: '公示' }).click();
      await page.locator('[data-test=notice-item]').first().waitFor(SLOW);
      const mine = page.locator('[data-test=my-objections]');
      await mine.waitFor(SLOW);
      expect(await mine.locator('[data-status=open]').count()).toBe(2);
      // Object to a neighbour's award now: its item says so at once and offers no second objection.
      const target = page.locator('[data-test=notice-item]').filter({ hasNot: page.locator('[data-test=objection-state]') }).filter({ hasNot: page.locator('[data-test=mine-tag]') }).first();
      const title = await target.locator('.list__title').innerText();
      await target.locator('.list__object').click();
      await target.locator('textarea').fill('该户当天不在村里');
      await target.locator('.van-button--danger').click();
      const objected = page.locator('[data-test=notice-item]', { hasText: title }).first();
      await objected.locator('[data-test=objection-state][data-status=open]').waitFor(SLOW);
      expect(await objected.locator('.list__object').count()).toBe(0);
      await page.waitForFunction(() => document.querySelectorAll('[data-test=my-objections] [data-status=open]').length === 3, undefined, SLOW);
      await assertFits(page);
      await objected.scrollIntoViewIfNeeded();
      await shoot(page, 'me-objection');

      // The reviewer decides; the outcome stays on the household's page after the award left the notice.
      const reviewer = await phoneAs('reviewer');
      const queue = await api<{ items: { id: number; awardId: number; reason: string }[] }>(reviewer.page, '/api/objections?status=open&limit=50');
      const ours = queue.body.items.find((o) => o.reason === '该户当天不在村里');
      expect(ours).toBeTruthy();
      const decided = await api(reviewer.page, `/api/objections/${ours!.id}/resolve`, { method: 'POST', body: { decision: 'upheld', resolution: '核实属实，退回重审' } });
      expect(decided.status).toBe(200);
      await reviewer.ctx.close();
      await page.reload();
      await page.locator('.van-tab', { hasText: '公示' }).click();
      const upheld = page.locator('[data-test=my-objections] [data-status=upheld]');
      await upheld.waitFor(SLOW);
      expect(await upheld.innerText()).toContain('核实属实，退回重审');
      await upheld.scrollIntoViewIfNeeded();
      await shoot(page, 'me-outcome');

      // 只看我家: only the household's own awards on notice, each tagged.
      const all = await page.locator('[data-test=notice-item]').count();
      await page.locator('.van-tab', { hasText: '公示' }).scrollIntoViewIfNeeded();
      await page.locator('[data-test=only-mine]').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-test=notice-item]').length < n, all, SLOW);
      const shown = await page.locator('[data-test=notice-item]').count();
      expect(shown).toBeGreaterThanOrEqual(1);
      expect(await page.locator('[data-test=notice-item] [data-test=mine-tag]').count()).toBe(shown);
      await shoot(page, 'me-only-mine');

      // Elderly mode: a taller header with larger words, and a larger switch.
      await page.evaluate(() => window.scrollTo(0, 0));
      const before = await page.locator('[data-test=elderly-switch]').boundingBox();
      const headerBefore = await page.locator('.phone__top').boundingBox();
      await page.locator('[data-test=elderly-switch]').click();
      await page.waitForFunction(() => document.documentElement.classList.contains('elderly'));
      await page.waitForTimeout(300);
      const after = await page.locator('[data-test=elderly-switch]').boundingBox();
      const headerAfter = await page.locator('.phone__top').boundingBox();
      expect(after!.width).toBeGreaterThan(before!.width * 1.3);
      expect(headerAfter!.height).toBeGreaterThan(headerBefore!.height);
      const titleSize = await page.locator('.phone__title').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(titleSize).toBeGreaterThanOrEqual(24);
      await assertFits(page);
      await assertInView(page, '.phone__logout');
      await shoot(page, 'me-elderly');
      await page.locator('[data-test=elderly-switch]').click();
      await ctx.close();
    },
    240_000,
  );
});
