/**
 * A double click never creates two: a cadre registers a household and clicks 保存 twice in a row (and then
 * fires the form's submit a third time) in Debian's Chromium against the real server on the demo county;
 * exactly one household is registered.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../support/browser';
import { startDemoApp, type DemoApp } from '../support/demo-app';
import type { ServerProcess } from '../support/server-process';

describeWithChromium('double submit (browser)', () => {
  let demo: DemoApp | undefined;
  let server: ServerProcess | undefined;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoApp('double');
    ({ server, browser } = demo);
  }, 300_000);

  afterAll(async () => {
    await demo?.stop();
  });

  it('double-clicking 保存 on a new household registers it once', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/households') keys.push(r.headers()['idempotency-key'] ?? '');
    });
    await page.goto(`${server!.base}/login`);
    await page.locator('input').first().fill('cadre');
    await page.locator('input[type=password]').fill('jifen123');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/households/);
    await page.getByRole('button', { name: '登记农户' }).click();
    const dialog = page.locator('.el-dialog');
    await dialog.waitFor();
    const name = '双击测试户';
    // The cadre's own village, then the head's name: the only required fields.
    await dialog.locator('.el-form-item').first().locator('.el-select').click();
    await page.locator('.el-select-dropdown__item:visible').first().click();
    await dialog.locator('.el-form-item', { hasText: '户主' }).locator('input').fill(name);
    const save = dialog.getByRole('button', { name: '保存' });
    await save.dblclick();
    // A third submit while the dialog is still open; a quick save may already have closed it (evaluateAll does not wait).
    await dialog.locator('form').evaluateAll((forms) => forms.forEach((f) => f.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }))));
    // Saved: the console opens the new household's record.
    await page.waitForURL(/\/console\/households\/\d+/, { timeout: 30_000 }).catch(async (err: unknown) => {
      throw new Error(`${String(err)}; form: ${(await page.locator('.el-dialog__body').innerText().catch(() => '?')).replace(/\s+/g, ' ')}; keys ${keys.length}`);
    });
    // Give any second request time to land before counting.
    await page.waitForTimeout(1000);

    const found = await page.evaluate(async (q) => {
      const res = await fetch(`/api/households?q=${encodeURIComponent(q)}&limit=50`, { credentials: 'include' });
      return ((await res.json()) as { items: { headName: string }[] }).items.filter((h) => h.headName === q).length;
    }, name);
    expect(found).toBe(1);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    // Any repeat that reached the server carried the same key as the first.
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[A-Za-z0-9._:-]{8,}$/);
    await ctx.close();
  }, 120_000);
});
