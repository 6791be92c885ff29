/**
 * Three console screens of issue #13 in Chromium against the real server on the demo county:
 * - 积分细则: a village cadre adds a heading, imports the shipped template (xlsx) and a GBK csv, reads the
 *   preview (new headings, row errors), confirms, and finds the items under their headings; an edited item
 *   becomes its next version;
 * - 申报详情: one award's household, rule, heading, history, photos and ledger entry, reached from the review
 *   list, the household's history and the audit log;
 * - 入库: a purchase with supplier, invoice and cost, which the store's monthly statement then books.
 * Screenshots at 390×844 and 1366×768 go to docs/screenshots/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium } from '../support/browser';
import { startDemoApp, type DemoApp } from '../support/demo-app';

const SLOW = { timeout: 30_000 };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
const root = resolve(import.meta.dirname, '../..');
const shots = join(root, 'docs/screenshots');
const template = join(root, 'seeds/catalogue-demo.xlsx');

interface Rule {
  id: number;
  name: string;
  points: number;
  version: number;
  categoryName: string;
  inherited: boolean;
  blackList: boolean;
}

describeWithChromium('catalogue import, award record and stock receipt (browser)', () => {
  let demo: DemoApp | undefined;
  let tmp: string;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoApp('catalogue-record');
    ({ tmp, browser, base } = demo);
    mkdirSync(shots, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await demo?.stop();
  });

  async function as(username: string, viewport: typeof PHONE): Promise<{ ctx: BrowserContext; page: Page }> {
    const phone = viewport.width < 600;
    const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: phone, hasTouch: phone, locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.locator('input').first().fill(username);
    await page.locator('input[type=password]').fill('jifen123');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/(console|me|counter)/, SLOW);
    return { ctx, page };
  }

  const api = <T,>(page: Page, path: string) => page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;
  const shoot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: join(shots, `${name}.png`), fullPage });
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const gbkCsv = (name: string, lines: string[]) => {
    const file = join(tmp, name);
    writeFileSync(file, iconv.encode(lines.join('\r\n') + '\r\n', 'gbk'));
    return file;
  };
  async function typeOnPad(page: Page, digits: string) {
    await page.locator('[data-test=number-pad]').waitFor(SLOW);
    for (const d of digits) await page.locator(`[data-test=number-pad] [data-key="${d}"]`).click();
    await expect.poll(async () => (await page.locator('[data-test=typed-code]').textContent())?.replace(/\s/g, ''), SLOW).toBe(digits);
  }
  async function ownRules(page: Page): Promise<Rule[]> {
    return (await api<{ items: Rule[] }>(page, '/api/rules')).items.filter((r) => !r.inherited);
  }

  it(
    'a village cadre adds a heading, imports the template and a GBK csv with a preview, and an edited item becomes its next version',
    async () => {
      const { ctx, page } = await as('cadre4', DESKTOP);
      await page.goto(`${base}/console/rules`);
      await page.getByRole('button', { name: '类别', exact: true }).click();
      const panel = page.locator('[data-test=rules-headings]');
      await panel.waitFor(SLOW);
      await panel.locator('input[data-test=heading-name]').fill('村规民约');
      await panel.getByRole('button', { name: '添加类别' }).click();
      await expect.poll(() => panel.locator('li', { hasText: '村规民约' }).count(), SLOW).toBe(1);
      await shoot(page, 'rules-headings-desktop');

      // The shipped template: thirteen new items under five headings the village does not have yet.
      await page.getByRole('button', { name: '导入细则' }).click();
      const dialog = page.locator('.el-dialog');
      await dialog.locator('[data-test=catalogue-file]').setInputFiles(template);
      const counts = dialog.locator('[data-test=catalogue-counts]');
      await counts.waitFor(SLOW);
      expect(await counts.innerText()).toContain('新增 13');
      const alert = await dialog.locator('.el-alert').innerText();
      for (const h of ['思想文化建设', '文明乡村建设', '美丽家园建设', '村民自强自立', '减分项目']) expect(alert).toContain(h);
      // 减分项目 holds only deductions, so it comes marked as a deduction heading; the others do not.
      const marks = dialog.locator('[data-test=deduction-headings] input');
      expect(await marks.evaluateAll((els) => els.filter((e) => (e as HTMLInputElement).checked).map((e) => e.getAttribute('data-heading')))).toEqual(['减分项目']);
      const confirm = dialog.locator('[data-test=catalogue-confirm]');
      // New headings are made only once the cadre has seen and confirmed them.
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.locator('[data-test=confirm-headings]').check();
      await page.waitForTimeout(300);
      await shoot(page, 'rules-import-preview-desktop');
      expect(await confirm.isDisabled()).toBe(false);
      await confirm.click();
      await dialog.waitFor({ state: 'detached', ...SLOW });
      // The headings panel, open all along, lists the headings the import made.
      await expect.poll(() => panel.innerText(), SLOW).toContain('思想文化建设');
      expect(await panel.locator('li', { hasText: '减分项目' }).count()).toBe(1);
      let rules = await ownRules(page);
      expect(rules.find((r) => r.name === '参加村民夜校或理论宣讲')).toMatchObject({ categoryName: '思想文化建设', points: 2, version: 1 });
      expect(rules.find((r) => r.name === '大操大办、高额彩礼')).toMatchObject({ categoryName: '减分项目', points: -10, blackList: true });
      expect(rules.find((r) => r.name === '参加村庄清洁行动')?.blackList).toBe(false);
      expect(await panel.locator('li', { hasText: '减分项目' }).innerText()).toContain('扣分');
      // On screen, under their headings: filter by one heading and its items are the rows.
      await page.locator('.bar .el-select').nth(1).click();
      await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '美丽家园建设' }).click();
      await expect.poll(() => page.locator('.el-table__body tr').count(), SLOW).toBe(3);
      const table = await page.locator('.el-table__body').innerText();
      expect(table).toContain('庭院干净整洁、物品摆放有序');
      expect(table).not.toContain('参加村民夜校或理论宣讲');
      await shoot(page, 'rules-catalogue-desktop');

      // A GBK csv as Excel on a Chinese Windows saves it: one edit, one new item under the cadre's new heading, one bad row.
      const header = '类别,项目,分值,单位,上限,需佐证,备注';
      const edit = '思想文化建设,参加村民夜校或理论宣讲,3,次,8,否,以签到表为准';
      const byHand = '村规民约,遵守村规民约表现突出,4,次,,否,';
      const newHeading = '乡风文明,移风易俗宣传员,5,次,10,否,';
      const bad = gbkCsv('细则-有错.csv', [header, edit, byHand, newHeading, '美丽家园建设,房前屋后种花种树,abc,次,,否,']);
      await page.getByRole('button', { name: '导入细则' }).click();
      await dialog.locator('[data-test=catalogue-file]').setInputFiles(bad);
      await counts.waitFor(SLOW);
      expect(await counts.innerText()).toContain('错误 1');
      // 乡风文明 is new; 村规民约, added by hand above, is not.
      const news = await dialog.locator('.el-alert').innerText();
      expect(news).toContain('乡风文明');
      expect(news).not.toContain('村规民约');
      expect(await dialog.locator('.el-table__body tr', { hasText: '房前屋后种花种树' }).innerText()).toContain('分值');
      expect(await dialog.locator('.el-table__body tr', { hasText: '参加村民夜校或理论宣讲' }).innerText()).toContain('修改');
      await dialog.locator('[data-test=confirm-headings]').check();
      // A sheet with a row error is not imported at all.
      expect(await confirm.isDisabled()).toBe(true);
      await page.waitForTimeout(300);
      await shoot(page, 'rules-import-errors-desktop');

      const good = gbkCsv('细则.csv', [header, edit, byHand, newHeading]);
      await dialog.locator('[data-test=catalogue-file]').setInputFiles(good);
      await expect.poll(() => counts.innerText(), SLOW).toContain('错误 0');
      expect(await counts.innerText()).toContain('新增 2');
      expect(await counts.innerText()).toContain('修改 1');
      // A new file is a new preview: its new headings are confirmed again.
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.locator('[data-test=confirm-headings]').check();
      await confirm.click();
      await dialog.waitFor({ state: 'detached', ...SLOW });
      rules = await ownRules(page);
      const edited = rules.filter((r) => r.name === '参加村民夜校或理论宣讲');
      expect(edited).toHaveLength(1);
      expect(edited[0]).toMatchObject({ points: 3, version: 2, categoryName: '思想文化建设' });
      expect(rules.find((r) => r.name === '遵守村规民约表现突出')).toMatchObject({ categoryName: '村规民约', points: 4, version: 1 });
      expect(rules.find((r) => r.name === '移风易俗宣传员')).toMatchObject({ categoryName: '乡风文明', points: 5, version: 1 });
      expect(rules.find((r) => r.name === '房前屋后种花种树')).toBeUndefined();
      await ctx.close();

      // The same screens on a phone: the panel and the preview fit 390 px.
      const phone = await as('cadre4', PHONE);
      await phone.page.goto(`${base}/console/rules`);
      await phone.page.getByRole('button', { name: '类别', exact: true }).click();
      await phone.page.locator('[data-test=rules-headings]').waitFor(SLOW);
      await phone.page.locator('[data-test=rule-cards] .jf-card').first().waitFor(SLOW);
      // The cards sit under their headings' titles, in the headings' order.
      const groups = await phone.page.locator('[data-test=rule-group]').allInnerTexts();
      expect(groups.length).toBeGreaterThan(1);
      expect(new Set(groups).size).toBe(groups.length);
      expect(await overflow(phone.page)).toBeLessThanOrEqual(0);
      await shoot(phone.page, 'rules-headings-phone', true);
      await phone.page.getByRole('button', { name: '导入细则' }).click();
      await phone.page.locator('.el-dialog [data-test=catalogue-file]').setInputFiles(bad);
      await phone.page.locator('.el-dialog [data-test=catalogue-counts]').waitFor(SLOW);
      // The row's problem is on screen, not in a column off to the right.
      const badCard = phone.page.locator('[data-test=catalogue-rows] .bad');
      expect(await badCard.innerText()).toContain('分值');
      expect(await badCard.evaluate((el) => el.getBoundingClientRect().right)).toBeLessThanOrEqual(PHONE.width);
      await phone.page.waitForTimeout(300);
      expect(await overflow(phone.page)).toBeLessThanOrEqual(0);
      await shoot(phone.page, 'rules-import-phone');
      await phone.ctx.close();
    },
    240_000,
  );

  it(
    'an award’s record: household, rule, heading, history, photos full size and the ledger entry, from the review list, the household’s history and the audit log',
    async () => {
      const { ctx, page } = await as('cadre', PHONE);
      // A proposal with a photo (the demo's awards have none yet), made the way the award page makes it.
      const household = (await api<{ items: { id: number }[] }>(page, '/api/households?limit=1&offset=0')).items[0];
      const rule = (await api<{ items: { id: number; evidenceRequired: boolean; points: number; active: boolean }[] }>(page, '/api/rules')).items.find((r) => r.active && r.points > 0 && !r.evidenceRequired)!;
      const jpeg = await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 60, g: 140, b: 70 } } }).jpeg().toBuffer();
      const withPhoto = await page.evaluate(
        async ({ bytes, householdId, ruleId }) => {
          const up = await fetch('/api/evidence', { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(bytes) });
          const photo = (await up.json()) as { hash: string };
          const res = await fetch('/api/awards', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ householdId, ruleId, occurredOn: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10), note: '照片为现场拍摄', evidence: [photo.hash] }),
          });
          return { ...((await res.json()) as { id: number }), photos: [photo] };
        },
        { bytes: [...jpeg], householdId: household.id, ruleId: rule.id },
      );
      expect(withPhoto.id).toBeGreaterThan(0);
      await page.goto(`${base}/console/awards/${withPhoto.id}`);
      const record = page.locator('[data-test=award-record]');
      await page.locator('[data-test=record-history]').waitFor(SLOW);
      const text = await record.innerText();
      expect(text).toContain('待审核');
      expect(text).toContain('照片为现场拍摄');
      expect(text).toContain('尚未入账');
      expect(await page.locator('[data-test=record-history] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['proposed']);
      expect(await page.locator('[data-test=award-photos] img').count()).toBe(withPhoto.photos.length);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await shoot(page, 'award-record-phone', true);
      await page.locator('[data-test=award-photos] button').first().click();
      const viewer = page.locator('[data-test=photo-viewer] img');
      await viewer.waitFor(SLOW);
      await expect.poll(() => viewer.evaluate((img) => (img as HTMLImageElement).naturalWidth), SLOW).toBeGreaterThan(64);
      await page.locator('[data-test=photo-viewer]').click();
      // A posted award of the demo: its history runs to the posting, and the entry it made is shown.
      const posted = (await api<{ items: { id: number }[] }>(page, '/api/awards?status=posted&limit=1&offset=0')).items[0];
      await page.goto(`${base}/console/awards/${posted.id}`);
      await page.locator('[data-test=record-ledger]').waitFor(SLOW);
      const steps = await page.locator('[data-test=record-history] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
      expect(steps[0]).toBe('proposed');
      expect(steps).toContain('posted');
      expect(await page.locator('[data-test=record-ledger]').innerText()).toContain('入账流水 #');
      await shoot(page, 'award-record-posted-phone', true);
      // The household link leads to its page, whose history leads back to an award record.
      await page.locator('[data-test=record-household]').click();
      await page.waitForURL(/\/console\/households\/\d+$/, SLOW);
      const link = page.locator('[data-test=ledger-award]').first();
      await link.waitFor(SLOW);
      await link.click();
      await page.waitForURL(/\/console\/awards\/\d+$/, SLOW);
      await page.locator('[data-test=record-history]').waitFor(SLOW);
      await ctx.close();

      // A reviewer opens one from the review queue, on a desktop.
      const reviewer = await as('reviewer', DESKTOP);
      await reviewer.page.goto(`${base}/console/review`);
      const open = reviewer.page.locator('[data-test=review-open]').first();
      await open.waitFor(SLOW);
      await open.click();
      await reviewer.page.waitForURL(/\/console\/awards\/\d+$/, SLOW);
      await reviewer.page.locator('[data-test=record-history]').waitFor(SLOW);
      expect(await reviewer.page.locator('[data-test=record-status]').innerText()).toBe('待审核');
      expect(await reviewer.page.locator('[data-test=award-record]').innerText()).toContain('尚未入账');
      await reviewer.page.goto(`${base}/console/awards/${withPhoto.id}`);
      await reviewer.page.locator('[data-test=award-photos] img').first().waitFor(SLOW);
      await reviewer.page.waitForTimeout(300);
      await shoot(reviewer.page, 'award-record-desktop', true);
      await reviewer.ctx.close();

      // The audit log names awards; each is a link to its record.
      const township = await as('township', DESKTOP);
      await township.page.goto(`${base}/console/audit`);
      await township.page.locator('[data-test=audit-entity]').click();
      await township.page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: /^积分申报$|^申报$/ }).first().click();
      const audited = township.page.locator('[data-test=audit-award]').first();
      await audited.waitFor(SLOW);
      await audited.click();
      await township.page.waitForURL(/\/console\/awards\/\d+$/, SLOW);
      await township.page.locator('[data-test=record-history]').waitFor(SLOW);
      await township.ctx.close();

      // A clerk keeps to the counter: the page is not theirs.
      const clerk = await as('clerk', PHONE);
      const res = await clerk.page.evaluate(async (id) => (await fetch(`/api/awards/${id}/record`)).status, withPhoto.id);
      expect(res).toBe(403);
      await clerk.ctx.close();
    },
    180_000,
  );

  interface Statement {
    purchasesFen: number;
    closingFundsFen: number;
  }

  it(
    'a clerk receives a purchase with supplier, invoice and cost in 元, refused until the amount is an amount, and the month’s statement books it',
    async () => {
      const { ctx, page } = await as('clerk', PHONE);
      const me = await api<{ user: { areaId: number } }>(page, '/api/auth/me');
      const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
      const before = await api<Statement>(page, `/api/funds/statement?storeAreaId=${me.user.areaId}&month=${month}`);
      await page.goto(`${base}/console/goods`);
      const receive = page.getByRole('button', { name: '入库/出库' }).first();
      await receive.waitFor(SLOW);
      await receive.click();
      const dialog = page.locator('.el-dialog');
      await dialog.locator('[data-test=stock-quantity] input').fill('4');
      await dialog.locator('input[data-test=stock-supplier]').fill('石门镇惠民批发部');
      await dialog.locator('input[data-test=stock-invoice]').fill('FP2026-00871');
      // Three decimals is not an amount in 元; a supplier without a cost is refused too.
      await dialog.locator('input[data-test=stock-cost]').fill('12.345');
      await dialog.locator('.el-dialog__footer .el-button--primary').click();
      await expect.poll(() => dialog.innerText(), SLOW).toContain('最多两位小数');
      await dialog.locator('input[data-test=stock-cost]').fill('');
      await dialog.locator('.el-dialog__footer .el-button--primary').click();
      await expect.poll(() => dialog.innerText(), SLOW).toContain('请同时填写进价');
      await dialog.locator('input[data-test=stock-cost]').fill('123.40');
      await expect.poll(() => dialog.locator('[data-test=stock-unit-cost]').innerText(), SLOW).toContain('30.85');
      await page.waitForTimeout(300);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await shoot(page, 'goods-purchase-phone');
      await dialog.locator('.el-dialog__footer .el-button--primary').click();
      await dialog.waitFor({ state: 'detached', ...SLOW });
      const after = await api<Statement>(page, `/api/funds/statement?storeAreaId=${me.user.areaId}&month=${month}`);
      expect(after.purchasesFen - before.purchasesFen).toBe(12_340);
      expect(before.closingFundsFen - after.closingFundsFen).toBe(12_340);
      await page.goto(`${base}/console/funds`);
      const entries = page.locator('[data-test=entries]');
      await expect.poll(() => entries.innerText(), SLOW).toContain('石门镇惠民批发部');
      expect(await entries.innerText()).toContain('FP2026-00871');
      expect(await entries.innerText()).toContain('123.40');
      await ctx.close();

      // A donation on a desktop: the estimated value in 元, kept to the fen.
      const desk = await as('clerk', DESKTOP);
      await desk.page.goto(`${base}/console/goods`);
      await desk.page.getByRole('button', { name: '入库/出库' }).first().click();
      const d = desk.page.locator('.el-dialog');
      await d.getByText('捐赠入库').click();
      expect(await d.locator('[data-test=stock-supplier]').count()).toBe(0);
      await d.locator('input[data-test=stock-value]').fill('0.29');
      await d.locator('.el-form-item', { hasText: '捐赠方' }).first().locator('input').fill('青山县农商银行');
      await desk.page.waitForTimeout(300);
      await shoot(desk.page, 'goods-donation-desktop');
      const sent = desk.page.waitForRequest((r) => r.url().includes('/stock') && r.method() === 'POST');
      await d.locator('.el-dialog__footer .el-button--primary').click();
      const body = (await sent).postDataJSON() as { valueFen?: number; kind: string };
      expect(body).toMatchObject({ kind: 'donation', valueFen: 29 });
      await d.waitFor({ state: 'detached', ...SLOW });
      await desk.ctx.close();
    },
    180_000,
  );
  it(
    'the dishonesty list on a desktop and at the counter: listed, the counter refuses with the reason’s category only, history per household, removal proposed and decided, the counter serves again',
    async () => {
      const home = await as('household', PHONE);
      const me = await home.page.evaluate(async () => ((await (await fetch('/api/auth/me')).json()) as { user: { householdId: number; displayName: string | null } }).user);
      const newPass = () =>
        home.page.evaluate(async (id) => {
          const res = await fetch(`/api/households/${id}/pass`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: '{}' });
          return (await res.json()) as { digits: string };
        }, me.householdId);
      const detail = '2026年3月冒领低保户慰问米面，村民代表会议核实（编号JX-0417）';
      // The demo has listings of its own: this case's row is the one with its details.
      const mine = (page: Page) => page.locator('[data-test=credit-row]', { hasText: 'JX-0417' });

      const cadre = await as('cadre', DESKTOP);
      await cadre.page.goto(`${base}/console/credit`);
      await cadre.page.locator('[data-test=credit-propose]').click();
      const picker = cadre.page.locator('.el-dialog [data-test=household-picker]');
      await picker.click();
      await picker.locator('input').fill(me.displayName ?? '');
      await cadre.page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: me.displayName ?? '' }).first().click();
      await cadre.page.locator('[data-test=credit-reason]').click();
      await cadre.page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '虚报冒领' }).click();
      await cadre.page.locator('textarea[data-test=credit-detail]').fill(detail);
      await cadre.page.locator('.el-dialog__footer .el-button--primary').click();
      await expect.poll(() => mine(cadre.page).innerText(), SLOW).toContain('待评议');

      const reviewer = await as('reviewer', DESKTOP);
      await reviewer.page.goto(`${base}/console/credit`);
      await mine(reviewer.page).locator('[data-test=credit-decide]').click();
      await reviewer.page.locator('textarea[data-test=credit-note]').fill('经村民代表会议评议，情况属实');
      await reviewer.page.locator('.el-dialog__footer .el-button--primary').click();
      await expect.poll(() => mine(reviewer.page).locator('[data-test=credit-status]').innerText(), SLOW).toContain('已列入');
      await shoot(reviewer.page, 'credit-list-desktop');

      // The counter: refused, naming the category (虚报冒领) and never the details.
      const clerk = await as('clerk', PHONE);
      const pass = await newPass();
      expect(pass.digits).toMatch(/^\d{18}$/);
      await typeOnPad(clerk.page, pass.digits);
      await clerk.page.locator('[data-test=lookup]').click();
      const refusal = clerk.page.locator('.jf-error[role=alert]').first();
      await refusal.waitFor(SLOW).catch(async (err: unknown) => {
        await clerk.page.screenshot({ path: join(root, 'tests/artifacts/counter-refusal-missing.png'), fullPage: true });
        throw err;
      });
      const said = await refusal.innerText();
      expect(said).toContain('兑换已暂停');
      expect(said).toContain('虚报冒领');
      expect(said).not.toContain('JX-0417');
      expect(await clerk.page.locator('[data-test=counter-household]').count()).toBe(0);
      await shoot(clerk.page, 'counter-suspended-phone');

      // The household's history, then a removal proposed by the cadre and decided by the reviewer.
      await cadre.page.reload();
      await mine(cadre.page).getByRole('button', { name: '该户记录' }).click();
      const history = cadre.page.locator('.el-dialog .history');
      await expect.poll(() => history.innerText(), SLOW).toContain('经村民代表会议评议，情况属实');
      expect(await history.innerText()).toContain(detail);
      await cadre.page.keyboard.press('Escape');
      await cadre.page.locator('.el-dialog').first().waitFor({ state: 'hidden', ...SLOW });
      await mine(cadre.page).locator('[data-test=credit-remove]').click();
      await cadre.page.locator('textarea[data-test=credit-removal-reason]').fill('已退回冒领物资并公开道歉，整改到位');
      await cadre.page.locator('.el-dialog__footer .el-button--primary').last().click();
      await expect.poll(() => mine(cadre.page).locator('[data-test=credit-status]').innerText(), SLOW).toContain('待评议（移出）');
      await cadre.ctx.close();

      await reviewer.page.reload();
      await mine(reviewer.page).locator('[data-test=credit-decide]').click();
      await reviewer.page.locator('textarea[data-test=credit-note]').fill('同意移出');
      await reviewer.page.locator('.el-dialog__footer .el-button--primary').click();
      await expect.poll(() => mine(reviewer.page).locator('[data-test=credit-status]').innerText(), SLOW).toContain('已移出');
      await reviewer.ctx.close();

      // Off the list: the counter serves the household again.
      await clerk.page.reload();
      const again = await newPass();
      await typeOnPad(clerk.page, again.digits);
      await clerk.page.locator('[data-test=lookup]').click();
      await clerk.page.locator('[data-test=counter-household]').waitFor(SLOW);
      await clerk.ctx.close();
      await home.ctx.close();
    },
    240_000,
  );
});
