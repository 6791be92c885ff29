/**
 * The counter as a clerk uses it on a phone (390×844), in Debian's Chromium against the real server on the
 * demo county: a reload in the middle of a redemption keeps the checkout and finishes it exactly once; the
 * household's 18-digit code typed on the number pad identifies it; a spent code shows the receipt of the
 * redemption that spent it instead of charging again; Back inside the counter keeps the cart.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../support/browser';
import { startDemoApp, type DemoApp } from '../support/demo-app';
import type { ServerProcess } from '../support/server-process';

const SLOW = { timeout: 30_000 };
const PHONE = { width: 390, height: 844 };
const artifacts = resolve(import.meta.dirname, '../artifacts');

describeWithChromium('the counter in the field (phone)', () => {
  let demo: DemoApp | undefined;
  let server: ServerProcess | undefined;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    demo = await startDemoApp('counter');
    ({ server, browser } = demo);
    mkdirSync(artifacts, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await demo?.stop();
  });

  async function phone(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'zh-CN', baseURL: server!.base });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('dialog', (d) => void d.accept());
    return page;
  }

  async function login(page: Page, username: string) {
    await page.goto('/login');
    await page.locator('input').first().fill(username);
    await page.locator('input[type=password]').fill('jifen123');
    await page.keyboard.press('Enter');
  }

  async function api<T>(page: Page, path: string, method = 'GET'): Promise<T> {
    return page.evaluate(
      async ({ path, method }) => {
        const res = await fetch(path, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: '{}' });
        return res.json();
      },
      { path, method },
    );
  }

  async function typeOnPad(page: Page, digits: string) {
    for (const d of digits) await page.locator(`[data-test=number-pad] [data-key="${d}"]`).click();
    expect((await page.locator('[data-test=typed-code]').textContent())?.replace(/\s/g, '')).toBe(digits);
  }

  /** No element wider than the screen. */
  async function overflow(page: Page): Promise<number> {
    return page.evaluate(() => Math.max(0, ...Array.from(document.querySelectorAll('body *')).map((e) => e.getBoundingClientRect().right - window.innerWidth)));
  }

  it(
    'keeps the checkout across a reload in the middle of a redemption and finishes it once; a spent code shows its receipt',
    async () => {
      const home = await phone();
      await login(home, 'household');
      await home.waitForURL(/\/me/);
      const me = await api<{ user: { householdId: number } } & { householdId?: number }>(home, '/api/auth/me');
      const householdId = me.user?.householdId ?? me.householdId!;
      const balance = async () => (await api<{ balance: number }>(home, `/api/households/${householdId}`)).balance;
      const newPass = () => api<{ code: string; digits: string; digitsGrouped: string }>(home, `/api/households/${householdId}/pass`, 'POST');

      // The household's page shows the code as digits under the QR code.
      await home.locator('[data-test=show-code]').click();
      await home.locator('[data-test=pass-digits]').waitFor(SLOW);
      expect(await home.locator('[data-test=pass-digits]').textContent()).toMatch(/^28( \d{4}){4}$/);
      await home.screenshot({ path: join(artifacts, 'counter-household-digits.png') });

      const clerk = await phone();
      await login(clerk, 'clerk');
      await clerk.waitForURL(/\/counter/);
      await clerk.locator('[data-test=number-pad]').waitFor(SLOW);
      expect(await overflow(clerk)).toBeLessThanOrEqual(1);
      await clerk.screenshot({ path: join(artifacts, 'counter-pad.png'), fullPage: true });

      // Typed numeric code: identifies the household.
      const before = await balance();
      const pass = await newPass();
      await typeOnPad(clerk, pass.digits);
      await clerk.locator('[data-test=lookup]').click();
      await clerk.locator('[data-test=counter-household]').waitFor(SLOW);
      expect(Number(await clerk.locator('[data-test=counter-balance]').innerText())).toBe(before);
      const item = clerk.locator('.shelf__item').filter({ has: clerk.locator('.van-stepper__plus:not(.van-stepper__plus--disabled)') }).first();
      await item.locator('.van-stepper__plus').click();
      const total = Number(await clerk.locator('[data-test=cart-total]').innerText());
      expect(total).toBeGreaterThan(0);

      // A reload while picking: the same household and cart come back.
      await clerk.reload();
      await clerk.locator('[data-test=counter-household]').waitFor(SLOW);
      expect(Number(await clerk.locator('[data-test=cart-total]').innerText())).toBe(total);
      await clerk.screenshot({ path: join(artifacts, 'counter-after-reload.png'), fullPage: true });

      // Back inside the counter returns to identifying, not out of it; the cart stays with the checkout.
      await clerk.goBack();
      await clerk.locator('[data-test=number-pad]').waitFor(SLOW);
      expect(clerk.url()).toContain('/counter');
      await clerk.goForward();
      await clerk.waitForTimeout(300);
      await clerk.reload();
      await clerk.locator('[data-test=counter-household]').waitFor(SLOW);
      expect(Number(await clerk.locator('[data-test=cart-total]').innerText())).toBe(total);

      // The redemption reaches the server, but the phone reloads before the answer arrives.
      let reached = false;
      await clerk.route('**/api/redemptions', async (route) => {
        if (reached || route.request().method() !== 'POST') return route.continue();
        reached = true;
        await route.fetch();
        await route.abort('connectionreset');
      });
      await clerk.locator('[data-test=redeem]').click();
      await clerk.locator('.van-dialog__confirm').click();
      await expect.poll(() => reached, SLOW).toBe(true);
      await expect.poll(balance, SLOW).toBe(before - total);
      await clerk.unroute('**/api/redemptions');
      await clerk.reload();
      // The counter asks again with the same key: the server answers with the first result.
      await clerk.locator('[data-test=receipt]').waitFor(SLOW);
      expect(Number(await clerk.locator('[data-test=receipt-balance]').innerText())).toBe(before - total);
      expect(await balance()).toBe(before - total);
      await clerk.screenshot({ path: join(artifacts, 'counter-finished-after-reload.png'), fullPage: true });

      // Today's list shows it once, newest first.
      await clerk.locator('[data-test=next-customer]').click();
      await clerk.locator('[data-test=recent] [data-redemption]').first().waitFor(SLOW);
      const todays = await api<{ items: { id: number; householdId: number; points: number }[] }>(clerk, '/api/redemptions?today=1');
      expect(todays.items.filter((r) => r.householdId === householdId && r.points === total)).toHaveLength(1);

      // The same (spent) code typed again: the receipt of that redemption, not a second charge.
      await typeOnPad(clerk, pass.digits);
      await clerk.locator('[data-test=lookup]').click();
      await clerk.locator('[data-test=code-used]').waitFor(SLOW);
      expect(await clerk.locator('[data-test=code-used]').textContent()).toContain(`单号 ${todays.items[0].id}`);
      expect(await clerk.locator('[data-test=receipt]').textContent()).toContain('石门村');
      expect(await balance()).toBe(before - total);
      expect(await overflow(clerk)).toBeLessThanOrEqual(1);
      await clerk.screenshot({ path: join(artifacts, 'counter-code-used.png'), fullPage: true });
    },
    240_000,
  );
});
