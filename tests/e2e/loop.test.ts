/**
 * The whole points loop through the real UI in Debian's Chromium, against the real server on a loopback port:
 * cadre records a batch → reviewer approves → household shows its QR code → clerk scans it with the (fake)
 * camera → redeems two goods → household sees the new balance. Screenshots of every face go to docs/screenshots.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../support/browser';
import { startServer, type ServerProcess } from '../support/server-process';
import { buildWebInto } from '../support/web-build';
import { blankY4m, qrToY4m } from './y4m';

const root = resolve(import.meta.dirname, '../..');
// Every run keeps its pictures under tests/artifacts (ignored by git); `JIFEN_UPDATE_SCREENSHOTS=1` refreshes the
// committed ones in docs/screenshots, so an ordinary `npm test` leaves the working tree clean.
const shots = join(root, process.env.JIFEN_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'tests/artifacts/screenshots');
const PASSWORD = 'jifen123';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
// Generous waits for a loaded CI machine; nothing here asserts on timing.
const SLOW = { timeout: 20_000, interval: 200 };

describeWithChromium('the points loop in a real browser', () => {
  let tmp: string;
  let server: ServerProcess | undefined;
  let base: string;
  let browser: Browser;
  const videoFile = () => join(tmp, 'camera.y4m');

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'jifen-e2e-'));
    mkdirSync(shots, { recursive: true });
    // Build once, up front, into our own directory: the server serves it as is and never builds on its own.
    const webDir = await buildWebInto(join(tmp, 'web'));

    server = await startServer({ env: { JIFEN_DB: join(tmp, 'e2e.db'), JIFEN_WEB_DIR: webDir, JIFEN_DEMO: '1' }, entry: 'seeds/start.ts' });
    base = server.base;

    writeFileSync(videoFile(), blankY4m());
    browser = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${videoFile()}`,
    ]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    // Returns once every process of the server's group is gone, or fails the suite.
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function newContext(viewport: { width: number; height: number }): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport, baseURL: base, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    ctx.setDefaultTimeout(20_000);
    return ctx;
  }

  async function login(page: Page, username: string): Promise<void> {
    await page.goto('/login');
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }

  /** The same face at phone and desktop size, saved under docs/screenshots. */
  async function shoot(page: Page, name: string, settle?: () => Promise<void>): Promise<void> {
    const original = page.viewportSize();
    for (const [label, size] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      await page.setViewportSize(size);
      // Tables re-measure their columns after a resize; let them settle before the picture.
      await page.waitForTimeout(700);
      if (settle) await settle();
      await page.screenshot({ path: join(shots, `${name}-${label}.png`) });
    }
    if (original) await page.setViewportSize(original);
  }

  async function api(username: string): Promise<APIRequestContext> {
    const { request } = await import('playwright-core');
    const ctx = await request.newContext({ baseURL: base });
    const res = await ctx.post('/api/auth/login', { data: { username, password: PASSWORD } });
    expect(res.status(), await res.text()).toBe(200);
    return ctx;
  }

  it(
    'cadre batch → reviewer approves → household shows code → clerk scans and redeems two goods → household sees the balance',
    async () => {
      // On failure, leave what every open page showed and what the server said, for whoever reads the CI log.
      onTestFailed(async () => {
        const dir = join(root, 'tests/artifacts/e2e-failure');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'server.log'), server?.log() ?? '');
        let n = 0;
        for (const ctx of browser.contexts()) {
          for (const page of ctx.pages()) await page.screenshot({ path: join(dir, `page-${++n}.png`) }).catch(() => undefined);
        }
      });
      // ---- Fixtures through the API: a rule and two goods of our own, notice days 0 so approval posts at once.
      const householdApi = await api('household');
      const me = (await (await householdApi.get('/api/auth/me')).json()) as { user: { householdId: number } };
      const householdId = me.user.householdId;
      const household = (await (await householdApi.get(`/api/households/${householdId}`)).json()) as { headName: string; villageId: number; balance: number };
      const admin = await api('county');
      const areas = (await (await admin.get('/api/areas')).json()) as { items: { id: number; kind: string; parentId: number | null }[] };
      const village = areas.items.find((a) => a.id === household.villageId)!;
      const townshipId = village.parentId!;
      const settings = await admin.patch(`/api/areas/${village.id}/settings`, { data: { noticeDays: 0 } });
      expect(settings.status(), await settings.text()).toBe(200);
      // Names a village would use (they show in the README screenshots). A fresh database per run keeps them
      // unique; the demo data has no rule or goods of these names, so each selector below finds only ours.
      const ruleName = '清扫村道';
      const rule = await admin.post('/api/rules', { data: { areaId: village.id, category: 'public_welfare', name: ruleName, points: 5, unit: '次' } });
      expect(rule.status(), await rule.text()).toBe(201);
      for (const [name, price] of [
        ['香皂', 3],
        ['牙刷', 4],
      ] as const) {
        const g = await admin.post('/api/goods', { data: { storeAreaId: village.id, name, price, unit: '件', stock: 50 } });
        expect(g.status(), await g.text()).toBe(201);
      }

      // ---- Cadre: batch grid, keyboard entry, one submit.
      const cadreCtx = await newContext(DESKTOP);
      const cadre = await cadreCtx.newPage();
      await login(cadre, 'cadre');
      await cadre.waitForURL(/\/console\/households/);
      await cadre.locator('.el-table__row').first().waitFor();
      await shoot(cadre, 'console-households');

      await cadre.goto('/console/awards/batch');
      const target = cadre.getByLabel(`${household.headName} 的数量`, { exact: true });
      await target.first().waitFor();
      await cadre.locator('[data-test=rule-select]').click();
      await cadre.keyboard.type(ruleName);
      await cadre.locator('.el-select-dropdown__item', { hasText: ruleName }).first().click();
      await target.first().click();
      await cadre.keyboard.type('2');
      // Enter moves to the next household's row; what is typed lands there.
      await cadre.keyboard.press('Enter');
      const nextRow = await cadre.evaluate(() => (document.activeElement as HTMLInputElement | null)?.dataset.row ?? '');
      const targetRow = await target.first().getAttribute('data-row');
      expect(Number(nextRow)).toBe(Number(targetRow) + 1);
      await cadre.keyboard.type('1');
      await expect.poll(() => cadre.locator('[data-test=batch-totals]').innerText(), SLOW).toContain('2 户');
      await shoot(cadre, 'console-batch');
      await cadre.locator('[data-test=batch-submit]').click();
      await cadre.locator('.el-message-box__btns .el-button--primary').click();
      await cadre.locator('.el-alert--success').waitFor();

      // ---- Reviewer: the new awards are at the top of the pending queue; approve ours in bulk.
      const reviewerCtx = await newContext(DESKTOP);
      const reviewer = await reviewerCtx.newPage();
      await login(reviewer, 'reviewer');
      await reviewer.waitForURL(/\/console\/review/);
      const ours = reviewer.locator('[data-test=review-table] .el-table__body tr', { hasText: ruleName });
      await ours.first().waitFor();
      await shoot(reviewer, 'console-review');
      const count = await ours.count();
      expect(count).toBe(2);
      for (let i = 0; i < count; i++) await ours.nth(i).locator('.el-checkbox').click();
      await reviewer.locator('[data-test=bulk-approve]').click();
      await reviewer.locator('.el-message-box__btns .el-button--primary').click();
      await expect.poll(() => reviewer.locator('[data-test=review-table] .el-table__body tr', { hasText: ruleName }).count(), SLOW).toBe(0);

      // ---- Clerk logs in first, so the code is scanned well inside its minute.
      const clerkCtx = await newContext(PHONE);
      const clerk = await clerkCtx.newPage();
      await login(clerk, 'clerk');
      await clerk.waitForURL(/\/counter/);
      await shoot(clerk, 'counter-identify');

      // ---- Household: balance first, then the one-time QR code.
      const homeCtx = await newContext(PHONE);
      const home = await homeCtx.newPage();
      await login(home, 'household');
      await home.waitForURL(/\/me/);
      // Read back rather than add up: the scheduler may post other notices of this household meanwhile.
      const fresh = (await (await householdApi.get(`/api/households/${householdId}`)).json()) as { balance: number };
      expect(fresh.balance).toBeGreaterThanOrEqual(household.balance + 10);
      const balanceBefore = fresh.balance;
      await expect.poll(async () => Number(await home.locator('[data-test=my-balance]').innerText()), SLOW).toBe(balanceBefore);
      await shoot(home, 'household');
      await home.locator('[data-test=show-code]').click();
      const qr = home.locator('[data-test=pass-qr] img');
      await qr.waitFor();
      const code = await home.locator('[data-test=pass-qr]').getAttribute('data-code');
      expect(code).toBeTruthy();
      writeFileSync(videoFile(), qrToY4m(code!));
      await shoot(home, 'household-code');

      // ---- Clerk: the camera reads the code for real.
      await clerk.locator('[data-test=open-camera]').click();
      const who = clerk.locator('[data-test=counter-household]');
      await who.waitFor({ timeout: 30_000 });
      await expect.poll(() => who.innerText(), SLOW).toContain(household.headName);
      expect(Number(await clerk.locator('[data-test=counter-balance]').innerText())).toBe(balanceBefore);
      // One through the shelf filter, one from the whole shelf.
      await clerk.locator('.counter__filter').fill('香皂');
      await clerk.locator('[data-goods="香皂"] .van-stepper__plus').click();
      await clerk.locator('.counter__filter').fill('');
      await clerk.locator('[data-goods="牙刷"] .van-stepper__plus').click();
      await expect.poll(async () => Number(await clerk.locator('[data-test=cart-total]').innerText()), SLOW).toBe(7);
      await shoot(clerk, 'counter-cart');
      // The first answer is lost on the way back (the server did charge): the clerk retries, and the
      // same Idempotency-Key makes the server answer from its record instead of charging again.
      let dropped = false;
      await clerk.route('**/api/redemptions', async (route) => {
        if (dropped) return route.continue();
        dropped = true;
        await route.fetch();
        await route.abort('connectionreset');
      });
      await clerk.locator('[data-test=redeem]').click();
      await clerk.locator('.van-dialog__confirm').click();
      await clerk.locator('[data-test=retry]').waitFor();
      expect(dropped).toBe(true);
      await clerk.locator('[data-test=retry]').click();
      await clerk.locator('[data-test=receipt]').waitFor();
      const after = Number(await clerk.locator('[data-test=receipt-balance]').innerText());
      expect(after).toBe(balanceBefore - 7);
      await shoot(clerk, 'counter-receipt');

      const charged = (await (await householdApi.get(`/api/households/${householdId}`)).json()) as { balance: number };
      expect(charged.balance).toBe(balanceBefore - 7);

      // ---- Household: the open page notices the redemption by itself and shows the new balance.
      await expect.poll(async () => Number(await home.locator('[data-test=my-balance]').innerText()), SLOW).toBe(after);
      await home.locator('[data-test=pass-card]').waitFor({ state: 'detached' });
      await home.reload();
      await expect.poll(async () => Number(await home.locator('[data-test=my-balance]').innerText()), SLOW).toBe(after);
      await home.locator('[data-test=elderly-switch]').click();
      await shoot(home, 'household-elderly');

      // ---- Public board: no login, linkable by URL.
      const publicCtx = await newContext(PHONE);
      const board = await publicCtx.newPage();
      const year = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4);
      await board.goto(`/board/${townshipId}?period=${year}`);
      await board.locator('[data-test=leaderboard] li').first().waitFor();
      // The server draws the first rows in the HTML; the screenshot is of the app once it has taken over.
      await board.locator('.rank__row').first().waitFor();
      await shoot(board, 'public-board');

      const loginPage = await publicCtx.newPage();
      await loginPage.goto('/login');
      await shoot(loginPage, 'login');

      for (const c of [cadreCtx, reviewerCtx, clerkCtx, homeCtx, publicCtx]) await c.close();
      for (const a of [householdApi, admin]) await a.dispose();
    },
    300_000,
  );
});
