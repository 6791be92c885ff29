/**
 * The roster import through the real UI in Debian's Chromium against the real server (demo data): the cadre
 * uploads a roster with mistakes, sees them marked row by row, uploads the corrected file, imports, and finds
 * the new households in the household list.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withIdChecksum } from '../../server/lib/identity';
import { buildWebInto } from '../support/web-build';

const CHROMIUM = '/usr/bin/chromium';
const root = resolve(import.meta.dirname, '../..');
const SLOW = { timeout: 30_000 };

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

async function writeRoster(file: string, rows: (string | null)[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('农户名单');
  ws.getColumn(5).numFmt = '@';
  ws.getColumn(6).numFmt = '@';
  ws.addRow(['户主姓名', '门牌号', '村民小组', '类别', '手机号', '身份证号', '家庭成员']);
  for (const r of rows) ws.addRow(r);
  await wb.xlsx.writeFile(file);
}

describe.skipIf(!existsSync(CHROMIUM))('roster import in a real browser', () => {
  let tmp: string;
  let server: ChildProcess;
  let log = '';
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'jifen-import-'));
    // A private build, served as is: a rebuild of dist/web elsewhere cannot disturb this test.
    const webDir = await buildWebInto(join(tmp, 'web'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn('npx', ['tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, JIFEN_DB: join(tmp, 'demo.db'), JIFEN_WEB_DIR: webDir, JIFEN_DEMO: '1', JIFEN_SCRYPT_N: '1024', PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 150_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited:\n${log}`);
      if (Date.now() > deadline) throw new Error(`server did not start:\n${log}`);
      const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows row errors, then imports the corrected file and lists the households', async () => {
    const good = [
      ['陈新民', '清水路1号', '一组', '一般户', '13912345678', withIdChecksum('43072219800101123'), '刘芳(配偶);陈小军(子女)'],
      ['黄德胜', '清水路3号', '二组', '脱贫户', null, withIdChecksum('43072219620505441'), null],
    ];
    const withErrors = [
      good[0],
      [null, '清水路2号', '一组', null, null, null, null],
      ['黄德胜', '清水路3号', '九组', '贫困户', '1391234', null, null],
    ];
    await writeRoster(join(tmp, '名单-有错.xlsx'), withErrors);
    await writeRoster(join(tmp, '名单-改好.xlsx'), good);

    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true })).newPage();
    await page.goto(`${base}/login`);
    await page.locator('input').first().fill('cadre');
    await page.locator('input[type=password]').fill('jifen123');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console/, SLOW);

    await page.goto(`${base}/console/import`);
    await page.setInputFiles('[data-test=file]', join(tmp, '名单-有错.xlsx'));
    await page.locator('[data-test=row-errors]').first().waitFor(SLOW);
    await expect.poll(() => page.locator('[data-test=error-count]').textContent(), SLOW).toContain('2');
    const errors = await page.locator('[data-test=row-errors]').allTextContents();
    expect(errors.join(' ')).toContain('缺少户主姓名');
    expect(errors.join(' ')).toContain('九组');
    expect(await page.locator('[data-test=confirm]').isDisabled()).toBe(true);

    await page.setInputFiles('[data-test=file]', join(tmp, '名单-改好.xlsx'));
    await expect.poll(() => page.locator('[data-test=error-count]').textContent(), SLOW).toContain('0');
    expect(await page.locator('[data-test=row-errors]').count()).toBe(0);
    await page.locator('[data-test=confirm]').click();
    await page.getByText('新登记 2 户').first().waitFor(SLOW);

    await page.goto(`${base}/console/households`);
    await page.locator('input[data-test=household-search], [data-test=household-search] input').first().fill('陈新民');
    await page.locator('.el-table').getByText('陈新民').waitFor(SLOW);
    expect(await page.locator('.el-table').getByText('清水路1号').count()).toBe(1);

    // The roster comes back out as a spreadsheet download.
    await page.goto(`${base}/console/exports`);
    const [download] = await Promise.all([page.waitForEvent('download', SLOW), page.locator('[data-test=export-households]').click()]);
    expect(download.suggestedFilename()).toMatch(/^农户名单-石门村-.*\.xlsx$/);
  }, 120_000);
});
