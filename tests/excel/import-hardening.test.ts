import { serve, type ServerType } from '@hono/node-server';
import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { households } from '../../db/schema';
import { withIdChecksum } from '../../server/lib/identity';
import { createPassToken } from '../../server/modules/counter/passToken';
import { parseInWorker, type ParseBudget } from '../../server/modules/excel/parseInWorker';
import { parseTable, type TableJob } from '../../server/modules/excel/parseTable';
import { sheetLimits } from '../../server/modules/excel/sheetLimits';
import { makeTestApp, testConfig, type TestApp } from '../support/app';
import { call, grantPoints, login, makeHousehold, makeWorld } from '../support/factories';
import { HEADER, xlsxFile } from './sheets';
import { inlineSheet, upload, xlsxParts, zeroBomb, zip } from './zip';

const PREVIEW = '/api/imports/households/preview';
const HAN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华';

/** A distinct valid ID number for every i below 20,000 × 1000. */
function idOf(i: number): string {
  const day = new Date(Date.UTC(1950, 0, 1) + (i % 20_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  return withIdChecksum(`430721${day}${String(Math.floor(i / 20_000)).padStart(3, '0')}`);
}
const nameOf = (i: number) => `王${HAN[i % HAN.length]}${HAN[Math.floor(i / HAN.length) % HAN.length]}`;

function job(bytes: Buffer, filename = '名单.xlsx'): TableJob {
  return { filename, bytes, requiredHeader: ['户主姓名', '户主'], aliases: {}, sheetNames: ['农户名单'] };
}

/** What parseTable refuses a sheet with, as {status, code}. */
async function refusal(bytes: Buffer, filename?: string): Promise<{ status: number; code: string } | null> {
  try {
    await parseTable(job(bytes, filename));
    return null;
  } catch (e) {
    const err = e as { status: number; code: string };
    return { status: err.status, code: err.code };
  }
}

async function farCellSheet(address: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('农户名单');
  ws.getCell('A1').value = '户主姓名';
  ws.getCell(address).value = '张三';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A realistic exceljs roster of `n` households, small enough for the 1 MiB request limit at 20,000. */
async function rosterOf(n: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('农户名单');
  ws.getColumn(6).numFmt = '@';
  ws.addRow(HEADER);
  for (let i = 0; i < n; i++) ws.addRow([nameOf(i), `新${i + 1}号`, '', i % 7 ? '' : '脱贫户', '', idOf(i), i % 10 ? '' : '李秀英(配偶)']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Highest RSS of this process (the worker thread included) while `work` runs, above where it started. */
async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 2);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growthMb: (peak - start) / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

let server: ServerType | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

async function listen(t: TestApp): Promise<string> {
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server!.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Runs `probe` every 50 ms while `work` is pending; returns the work's result and every probe's latency. */
async function probeDuring<T>(work: Promise<T>, probe: () => Promise<void>): Promise<{ result: T; latencies: number[] }> {
  let done = false;
  const latencies: number[] = [];
  const loop = (async () => {
    while (!done) {
      const t0 = performance.now();
      await probe();
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    return { result: await work, latencies };
  } finally {
    done = true;
    await loop;
  }
}

async function world() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const cadre = await login(t, 'cadre');
  return { t, w, cadre };
}

describe('absurd sheets are refused before any real work', () => {
  it('answers a 5 KB sheet whose only value sits at row 1,048,576 or column XFD with 413 at once', async () => {
    const { t, w, cadre } = await world();
    for (const address of ['A1048576', 'XFD2', 'XFD1048576']) {
      const bytes = await farCellSheet(address);
      expect(bytes.length).toBeLessThan(8_000);
      const t0 = performance.now();
      const res = await call(t, 'POST', PREVIEW, { cookie: cadre, body: { villageId: w.areas.villageA.id, file: upload(bytes) } });
      const ms = performance.now() - t0;
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('sheet_too_large');
      expect(res.body.error.message).toMatch(/行数过多|列数过多/);
      // A hang guard, not a speed figure (a loaded CI machine takes seconds): materialising the sheet takes minutes.
      expect(ms).toBeLessThan(20_000);
    }
  });

  it('stops at the first cell out of bounds, in milliseconds, without the worker', async () => {
    const cells = Array.from({ length: 200 }, (_, i) => `<c r="A${i + 1}" t="inlineStr"><is><t>户主姓名</t></is></c>`).join('');
    const sheet = Buffer.from(`<worksheet><sheetData><row r="1">${cells}</row><row r="${sheetLimits.maxRows + 1}"><c r="A${sheetLimits.maxRows + 1}"><v>1</v></c></row></sheetData></worksheet>`);
    // One honest parse first: the first call in a process pays for compiling the zip and XML readers.
    await parseTable(job(zip(xlsxParts(inlineSheet([['户主姓名'], ['张三']])))));
    const t0 = performance.now();
    expect(await refusal(zip(xlsxParts(sheet)))).toEqual({ status: 413, code: 'sheet_too_large' });
    // A hang guard, not a speed figure: reading 1,048,576 rows would take far longer.
    expect(performance.now() - t0).toBeLessThan(10_000);
    // Styled but empty cells far down (WPS writes them) are not data and do not count.
    const styled = Buffer.from('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>户主姓名</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c></row><row r="1048576"><c r="XFD1048576" s="3"/></row></sheetData></worksheet>');
    expect(await parseTable(job(zip(xlsxParts(styled))))).toEqual([{ row: 2, cells: { 户主姓名: '张三' } }]);
  });

  it('refuses a merged range over the whole sheet and a CSV of a million columns or rows', async () => {
    const merged = Buffer.from('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>户主姓名</t></is></c></row></sheetData><mergeCells><mergeCell ref="A1:CV50000"/></mergeCells></worksheet>');
    expect(await refusal(zip(xlsxParts(merged)))).toEqual({ status: 413, code: 'sheet_too_large' });
    expect(await refusal(Buffer.from(`户主姓名${',x'.repeat(200_000)}`), 'a.csv')).toEqual({ status: 413, code: 'sheet_too_large' });
    expect(await refusal(Buffer.from(`户主姓名\n${'x\n'.repeat(sheetLimits.maxRows + 1)}`), 'a.csv')).toEqual({ status: 413, code: 'sheet_too_large' });
  });
});

describe('zip bombs', () => {
  it('refuses a 710 KB .xlsx that inflates to 700 MB from its directory alone, with bounded memory', async () => {
    const { t, w, cadre } = await world();
    const bomb = zeroBomb(700);
    const bytes = zip(xlsxParts({ data: Buffer.alloc(0), deflated: bomb.deflated, declaredSize: bomb.size, crc: bomb.crc }));
    expect(bytes.length).toBeGreaterThan(700_000);
    const { result: res, growthMb } = await peakRss(() => call(t, 'POST', PREVIEW, { cookie: cadre, body: { villageId: w.areas.villageA.id, file: upload(bytes) } }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('file_too_large');
    expect(growthMb).toBeLessThan(250);
    console.info(`700 MB bomb, honest headers: RSS grew ${Math.round(growthMb)} MB`);
  });

  it('refuses the same bomb when its headers lie about the size: inflation stops at the declared size', async () => {
    const { t, w, cadre } = await world();
    const bomb = zeroBomb(700);
    const bytes = zip(xlsxParts({ data: Buffer.alloc(0), deflated: bomb.deflated, declaredSize: 4096, crc: 0 }));
    const { result: res, growthMb } = await peakRss(() => call(t, 'POST', PREVIEW, { cookie: cadre, body: { villageId: w.areas.villageA.id, file: upload(bytes) } }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('file_too_large');
    expect(growthMb).toBeLessThan(250);
    console.info(`700 MB bomb, lying headers: RSS grew ${Math.round(growthMb)} MB`);
    // Declared as empty, same answer.
    expect(await refusal(zip(xlsxParts({ data: Buffer.alloc(0), deflated: zeroBomb(5).deflated, declaredSize: 0, crc: 0 })))).toEqual({ status: 413, code: 'file_too_large' });
  });

  it('refuses too many entries, too much declared in all, too much really read, and a wrong CRC', async () => {
    const many = Array.from({ length: sheetLimits.maxZipEntries }, (_, i) => ({ name: `x/${i}`, data: Buffer.alloc(0) }));
    expect(await refusal(zip(xlsxParts(inlineSheet([['户主姓名']]), many)))).toEqual({ status: 413, code: 'file_too_large' });
    const big = zeroBomb(60);
    const twoBig = [
      { name: 'a.bin', data: Buffer.alloc(0), deflated: big.deflated, declaredSize: big.size, crc: big.crc },
      { name: 'b.bin', data: Buffer.alloc(0), deflated: big.deflated, declaredSize: big.size, crc: big.crc },
    ];
    expect(await refusal(zip(xlsxParts(inlineSheet([['户主姓名']]), twoBig)))).toEqual({ status: 413, code: 'file_too_large' });
    // 45 MiB of shared strings: declared honestly, within the declared total, over what is read.
    const sst = zeroBomb(45);
    const sstPart = { name: 'xl/sharedStrings.xml', data: Buffer.alloc(0), deflated: sst.deflated, declaredSize: sst.size, crc: sst.crc };
    expect(await refusal(zip(xlsxParts(inlineSheet([['户主姓名']]), [sstPart])))).toEqual({ status: 413, code: 'file_too_large' });
    const sheet = inlineSheet([['户主姓名'], ['张三']]);
    expect(await refusal(zip(xlsxParts({ data: sheet, crc: 12345 })))).toEqual({ status: 400, code: 'bad_file' });
    expect(await refusal(Buffer.from('PK\u0003\u0004 not really a zip'))).toEqual({ status: 400, code: 'bad_file' });
    const dtd = Buffer.from('<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>');
    expect(await refusal(zip(xlsxParts(dtd)))).toEqual({ status: 400, code: 'bad_file' });
  });
});

describe('the parse worker', () => {
  const tiny: ParseBudget = { timeMs: 20_000, maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 16, parallel: 2, waiting: 8 };

  it('is killed when it runs out of time, and the upload gets 503 sheet_timeout', async () => {
    const bytes = await rosterOf(2000);
    await expect(parseInWorker(job(bytes), { ...tiny, timeMs: 5 })).rejects.toMatchObject({ status: 503, code: 'sheet_timeout' });
  });

  it('is killed when it runs out of heap, and the upload gets 413', async () => {
    const bytes = await rosterOf(20_000);
    await expect(parseInWorker(job(bytes), { ...tiny, maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 })).rejects.toMatchObject({ status: 413, code: 'sheet_too_large' });
  });

  it('runs at most `parallel` at once and tells the upload past the queue to come back later', async () => {
    const bytes = await rosterOf(200);
    const budget = { ...tiny, parallel: 1, waiting: 1 };
    const results = await Promise.allSettled([parseInWorker(job(bytes), budget), parseInWorker(job(bytes), budget), parseInWorker(job(bytes), budget)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ status: 503, code: 'import_busy' });
    // The slots are free again afterwards.
    expect(await parseInWorker(job(bytes), budget)).toHaveLength(200);
  });

  it('works the same when the server runs under tsx (npm start), GBK csv included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jifen-tsx-'));
    try {
      const xlsx = join(dir, 'a.xlsx');
      writeFileSync(xlsx, await rosterOf(3));
      const csv = join(dir, 'b.csv');
      writeFileSync(csv, iconv.encode('户主姓名,门牌号\r\n赵桂兰,22号\r\n', 'gbk'));
      const cli = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
      const script = fileURLToPath(new URL('./support/parse-under-tsx.ts', import.meta.url));
      const out = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [cli, script, xlsx, csv], { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
      );
      const [fromXlsx, fromCsv] = JSON.parse(out) as { row: number; cells: Record<string, string> }[][];
      expect(fromXlsx.map((r) => r.cells['户主姓名'])).toEqual([nameOf(0), nameOf(1), nameOf(2)]);
      expect(fromXlsx[0].cells['身份证号']).toBe(idOf(0));
      expect(fromCsv).toEqual([{ row: 2, cells: { 户主姓名: '赵桂兰', 门牌号: '22号' } }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a large honest upload does not hold up anyone else', () => {
  it('answers health checks and redemptions within a second while a 20,000-row roster is previewed over HTTP', async () => {
    const { t, w, cadre } = await world();
    grantPoints(t.db, w.household.id, w.areas.villageA.id, 10_000);
    const clerk = await login(t, 'clerk');
    const bytes = await rosterOf(20_000);
    const body = JSON.stringify({ villageId: w.areas.villageA.id, file: upload(bytes) });
    expect(body.length).toBeLessThan(1024 * 1024);
    const base = await listen(t);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const t0 = performance.now();
    const preview = fetch(`${base}${PREVIEW}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: cadre }, body }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { counts: { total: number; create: number; error: number } },
    }));
    const health = probeDuring(preview, async () => {
      const r = await fetch(`${base}/api/health`);
      expect(r.status).toBe(200);
    });
    let n = 0;
    const redemptions = probeDuring(preview, async () => {
      const code = createPassToken(testConfig.passSecret, w.household.id, t.clock.now.getTime() + 60_000).token;
      const r = await fetch(`${base}/api/redemptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: clerk, 'idempotency-key': `during-upload-${n++}` },
        body: JSON.stringify({ code, items: [{ goodsId: w.soap.id, quantity: 1 }] }),
      });
      expect([201, 422]).toContain(r.status); // 422 once the soap's monthly limit is reached: still answered
    });
    const [h, r] = await Promise.all([health, redemptions]);
    const previewMs = performance.now() - t0;
    loop.disable();

    expect(h.result.status).toBe(200);
    expect(h.result.body.counts).toMatchObject({ total: 20_000, create: 20_000, error: 0 });
    expect(h.latencies.length).toBeGreaterThan(3);
    expect(Math.max(...h.latencies)).toBeLessThan(1000);
    expect(Math.max(...r.latencies)).toBeLessThan(1000);
    console.info(
      `20,000-row preview: ${Math.round(previewMs)} ms; health worst ${Math.round(Math.max(...h.latencies))} ms over ${h.latencies.length}; ` +
        `redemption worst ${Math.round(Math.max(...r.latencies))} ms over ${r.latencies.length}; event-loop delay max ${Math.round(loop.max / 1e6)} ms`,
    );
  });

  it('previews 40,000 ID numbers in one file without an SQL variable limit, and names no other village', async () => {
    const { t, w, cadre } = await world();
    const rows = [['户主姓名', '身份证号'], ...Array.from({ length: 40_000 }, (_, i) => [nameOf(i), idOf(i)])];
    // Three of the numbers already belong to households of another township's village.
    for (const i of [7, 20_001, 39_999]) makeHousehold(t.db, w.areas.villageB.id, { headName: '李四', idNumber: idOf(i) });
    const bytes = zip(xlsxParts(inlineSheet(rows)));
    const res = await call(t, 'POST', PREVIEW, { cookie: cadre, body: { villageId: w.areas.villageA.id, file: upload(bytes) } });
    expect(res.status).toBe(200);
    expect(res.body.counts).toMatchObject({ total: 40_000, create: 39_997, error: 3 });
    const bad = (res.body.rows as { row: number; errors: { message: string }[] }[]).filter((r) => r.errors.length);
    expect(bad.map((r) => r.row)).toEqual([9, 20_003, 40_001]);
    for (const r of bad) {
      expect(r.errors).toEqual([{ field: '身份证号', message: '该身份证号无法登记，请核对或联系乡镇' }]);
      expect(JSON.stringify(r)).not.toMatch(/西村|西乡|李四/);
    }
  }, 60_000);
});

describe('cell text', () => {
  it('turns a cell with a lone surrogate or a non-character into a row error and stores nothing', async () => {
    const { t, w, cadre } = await world();
    const sheet = Buffer.from(
      '<worksheet><sheetData>' +
        '<row r="1"><c r="A1" t="inlineStr"><is><t>户主姓名</t></is></c><c r="B1" t="inlineStr"><is><t>门牌号</t></is></c></row>' +
        '<row r="2"><c r="A2" t="inlineStr"><is><t>张&#xD800;三</t></is></c><c r="B2" t="inlineStr"><is><t>1号</t></is></c></row>' +
        '<row r="3"><c r="A3" t="inlineStr"><is><t>李四</t></is></c><c r="B3" t="inlineStr"><is><t>2号\uFFFF</t></is></c></row>' +
        '<row r="4"><c r="A4" t="inlineStr"><is><t>王_xDFFF_五</t></is></c></row>' +
        '<row r="5"><c r="A5" t="inlineStr"><is><t>赵六</t></is></c><c r="B5" t="inlineStr"><is><t>5号</t></is></c></row>' +
        '</sheetData></worksheet>',
    );
    const file = upload(zip(xlsxParts(sheet)));
    const before = t.db.select().from(households).all().length;
    const preview = await call(t, 'POST', PREVIEW, { cookie: cadre, body: { villageId: w.areas.villageA.id, file } });
    expect(preview.status).toBe(200);
    expect(preview.body.counts).toMatchObject({ total: 4, create: 1, error: 3 });
    expect(preview.body.rows.map((r: { errors: { field: string }[] }) => r.errors.map((e) => e.field))).toEqual([['户主姓名'], ['门牌号'], ['户主姓名'], []]);
    expect(preview.body.rows[0].errors[0].message).toMatch(/无法识别的字符/);
    const imported = await call(t, 'POST', '/api/imports/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, file } });
    expect(imported.status).toBe(422);
    expect(imported.body.error.code).toBe('import_has_errors');
    expect(t.db.select().from(households).all().length).toBe(before);
  });

  it('does the same in a UTF-8 csv and in a score sheet', async () => {
    const { t, w, cadre } = await world();
    const csv = { filename: 'a.csv', contentBase64: Buffer.from('户主姓名,门牌号\n张三\uFFFE,1号\n').toString('base64') };
    const roster = await call(t, 'POST', PREVIEW, { cookie: cadre, body: { villageId: w.areas.villageA.id, file: csv } });
    expect(roster.body.rows[0]).toMatchObject({ action: 'error', errors: [{ field: '户主姓名' }] });
    const sheet = Buffer.from(`<worksheet><sheetData><row><c t="inlineStr"><is><t>户编号</t></is></c><c t="inlineStr"><is><t>细则</t></is></c><c t="inlineStr"><is><t>数量</t></is></c></row><row><c><v>${w.household.id}</v></c><c t="inlineStr"><is><t>&#xDC00;</t></is></c><c><v>1</v></c></row></sheetData></worksheet>`);
    const score = await call(t, 'POST', '/api/imports/awards/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, occurredOn: '2026-06-01', file: upload(zip(xlsxParts(sheet)), '评分.xlsx') } });
    expect(score.status).toBe(200);
    expect(score.body.rows[0]).toMatchObject({ action: 'error', errors: [{ field: '细则' }] });
  });

  it('refuses a file name or note that is not valid Unicode', async () => {
    const { t, w, cadre } = await world();
    const file = await xlsxFile([HEADER, ['张三', '1号', '', '', '', '', '']], '名单\ud800.xlsx');
    const res = await call(t, 'POST', PREVIEW, { cookie: cadre, body: { villageId: w.areas.villageA.id, file } });
    expect(res.status).toBe(400);
  });

  it('reads shared strings with rich text and phonetic runs, prefixed tags, cells without references and merged cells', async () => {
    const NS = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const sst = Buffer.from(`<x:sst ${NS}><x:si><x:t>户主姓名</x:t></x:si><x:si><x:r><x:t>张</x:t></x:r><x:r><x:t xml:space="preserve">三 </x:t></x:r><x:rPh><x:t>zhang</x:t></x:rPh></x:si><x:si><x:t>一组</x:t></x:si><x:si><x:t>村民小组</x:t></x:si><x:si><x:t><![CDATA[A&B]]></x:t></x:si></x:sst>`);
    const sheet = Buffer.from(
      `<x:worksheet ${NS}><x:sheetData>` +
        '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>3</x:v></x:c><x:c t="inlineStr"><x:is><x:t>门牌号</x:t></x:is></x:c></x:row>' +
        '<x:row><x:c t="s"><x:v>1</x:v></x:c><x:c t="s"><x:v>2</x:v></x:c><x:c><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>' +
        '<x:row><x:c t="s"><x:v>4</x:v></x:c></x:row>' +
        '<!-- a comment <x:c><x:v>9</x:v></x:c> -->' +
        '<x:row r="5"><x:c r="A5" t="str"><x:v>&lt;李&amp;四&gt;</x:v></x:c><x:c r="C5"><x:v>13900001111</x:v></x:c></x:row>' +
        '</x:sheetData><x:mergeCells><x:mergeCell ref="B2:B5"/></x:mergeCells></x:worksheet>',
    );
    const bytes = zip(xlsxParts(sheet, [{ name: 'xl/sharedStrings.xml', data: sst }]));
    expect(await parseTable(job(bytes))).toEqual([
      { row: 2, cells: { 户主姓名: '张三', 村民小组: '一组', 门牌号: '2' } },
      { row: 3, cells: { 户主姓名: 'A&B', 村民小组: '一组' } },
      { row: 4, cells: { 村民小组: '一组' } },
      { row: 5, cells: { 户主姓名: '<李&四>', 村民小组: '一组', 门牌号: '13900001111' } },
    ]);
  });

  it('reads back the quote an export put before formula-like text', async () => {
    const bytes = zip(xlsxParts(inlineSheet([['户主姓名', '门牌号'], ['张三', "'-1号"], ['李四', "'abc"]])));
    expect((await parseTable(job(bytes))).map((r) => r.cells['门牌号'])).toEqual(['-1号', "'abc"]);
  });
});

describe('ID numbers of other villages', () => {
  it('are refused by create and update with the same words wherever they are, naming nothing', async () => {
    const { t, w, cadre } = await world();
    const elsewhere = idOf(1);
    const own = idOf(2);
    makeHousehold(t.db, w.areas.villageB.id, { headName: '李四', idNumber: elsewhere });
    makeHousehold(t.db, w.areas.villageA2.id, { headName: '周五', idNumber: idOf(3) });
    makeHousehold(t.db, w.areas.villageA.id, { headName: '本村户', idNumber: own });
    const answers = [];
    for (const idNumber of [elsewhere, idOf(3)]) {
      const created = await call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, headName: '王五', idNumber } });
      const updated = await call(t, 'PATCH', `/api/households/${w.household.id}`, { cookie: cadre, body: { idNumber } });
      answers.push(created, updated);
    }
    for (const a of answers) {
      expect(a.status).toBe(409);
      expect(a.body.error).toEqual({ code: 'id_number_taken', message: '该身份证号无法登记，请核对或联系乡镇', requestId: expect.any(String) });
    }
    const ownDup = await call(t, 'POST', '/api/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, headName: '王五', idNumber: own } });
    expect(ownDup.status).toBe(409);
    expect(ownDup.body.error.message).toMatch(/本村/);
    expect(t.db.select().from(households).where(eq(households.id, w.household.id)).get()!.idNumber).not.toBe(elsewhere);
  });
});
