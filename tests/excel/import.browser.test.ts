/**
 * The roster import through the real UI in Debian's Chromium against the real server (demo data): the cadre
 * uploads a roster with mistakes, sees them marked row by row, uploads the corrected file, imports, and finds
 * the new households in the household list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withIdChecksum } from '../../server/lib/identity';
import { describeWithChromium, launchChromium } from '../support/browser';
import { startServer, type ServerProcess } from '../support/server-process';
import { buildWebInto } from '../support/web-build';

const SLOW = { timeout: 30_000 };

async function writeRoster(file: string, rows: (string | null)[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('农户名单');
  ws.getColumn(5).numFmt = '@';
  ws.getColumn(6).numFmt = '@';
  ws.addRow(['户主姓名', '门牌号', '村民小组', '类别', '手机号', '身份证号', '家庭成员']);
  for (const r of rows) ws.addRow(r);
  await wb.xlsx.writeFile(file);
}

describeWithChromium('roster import in a real browser', () => {
  let tmp: string;
  let server: ServerProcess | undefined;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'jifen-import-'));
    // A private build, served as is: a rebuild of dist/web elsewhere cannot disturb this test.
    const webDir = await buildWebInto(join(tmp, 'web'));
    server = await startServer({ env: { JIFEN_DB: join(tmp, 'demo.db'), JIFEN_WEB_DIR: webDir, JIFEN_DEMO: '1' }, entry: 'seeds/start.ts' });
    base = server.base;
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    // Returns once every process of the server's group is gone, or fails the suite.
    await server?.stop();
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
    // A group the village lacks is not an error: it is listed, to be made when the import is confirmed.
    expect(await page.locator('[data-test=new-groups]').textContent()).toContain('九组');
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
