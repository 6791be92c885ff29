import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { insertArea } from '../../db/areas';
import { safeFilename } from '../../server/modules/excel/sendXlsx';
import { safeCell } from '../../server/modules/excel/writeWorkbook';
import { makeTestApp, type TestApp } from '../support/app';
import { grantPoints, login, makeHousehold, makeRule, makeWorld } from '../support/factories';

async function workbookOf(t: TestApp, path: string, cookie: string) {
  const res = await t.app.request(path, { headers: { cookie } });
  expect(res.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  return { res, wb };
}

/** Every cell of every sheet: none may be a formula. */
function cellsOf(wb: ExcelJS.Workbook): ExcelJS.Cell[] {
  const out: ExcelJS.Cell[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => out.push(cell))));
  return out;
}

describe('formula-like text in exports', () => {
  it('gets a leading quote; numbers and ordinary text stay as they are', () => {
    for (const s of ['=1+1', '+86 139', '-1号', '@SUM(A1)', '\t=cmd', '\r=cmd']) expect(safeCell(s)).toBe(`'${s}`);
    for (const s of ['张三', '', "'quoted", '1号', ' =x']) expect(safeCell(s)).toBe(s);
    expect(safeCell(-5)).toBe(-5);
    expect(safeCell(12.5)).toBe(12.5);
    expect(safeCell(null)).toBe('');
  });

  it('is never a formula in a downloaded roster, score template or rule list, and balances stay numbers', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const evil = insertArea(t.db, { name: '=HYPERLINK("http://x.example","点我")', kind: 'village', parentId: w.areas.townA.id, createdAt: 0 });
    insertArea(t.db, { name: '@SUM(1+1)', kind: 'group', parentId: evil.id, createdAt: 0 });
    const group = t.db.$client.prepare("SELECT id FROM areas WHERE name = '@SUM(1+1)'").get() as { id: number };
    const h = makeHousehold(t.db, evil.id, { headName: '张三', doorNo: '-1号', groupId: group.id });
    grantPoints(t.db, h.id, evil.id, 42);
    makeRule(t.db, evil.id, { name: '+cmd|calc' });
    const county = await login(t, 'county');

    const roster = await workbookOf(t, `/api/exports/households.xlsx?areaId=${evil.id}`, county);
    const cells = cellsOf(roster.wb);
    expect(cells.filter((c) => c.type === ExcelJS.ValueType.Formula)).toEqual([]);
    const ws = roster.wb.worksheets[0];
    expect(String(ws.getCell('A1').value)).toMatch(/^'=HYPERLINK/);
    const row = ws.getRow(3);
    expect(row.getCell(2).value).toBe("'-1号");
    expect(row.getCell(3).value).toBe("'@SUM(1+1)");
    expect(row.getCell(9).value).toBe(42);

    const template = await workbookOf(t, `/api/imports/awards/template.xlsx?villageId=${evil.id}`, county);
    expect(cellsOf(template.wb).filter((c) => c.type === ExcelJS.ValueType.Formula)).toEqual([]);
    const texts = cellsOf(template.wb).map((c) => c.value);
    expect(texts).toContain("'+cmd|calc");
    expect(texts).toContain("'@SUM(1+1)");
    expect(texts).not.toContain('+cmd|calc');
  });
});

describe('download file names', () => {
  it('lose control characters, direction overrides and path separators', () => {
    expect(safeFilename('农户名单-东村\u202Egpj.exe-导出.xlsx')).toBe('农户名单-东村gpj.exe-导出.xlsx');
    expect(safeFilename('a\r\nSet-Cookie: x\u0000\u0085.xlsx')).toBe('aSet-Cookie: x.xlsx');
    expect(safeFilename('\u200e\u200f\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d名单.xlsx')).toBe('名单.xlsx');
    expect(safeFilename('../../etc/passwd.xlsx')).toBe('.._.._etc_passwd.xlsx');
    expect(safeFilename('\u202e.xlsx')).toBe('export.xlsx');
    expect(safeFilename('名单\ud800.xlsx')).toBe('名单_.xlsx');
  });

  it('reach the Content-Disposition header clean when an area name carries them', async () => {
    const t = makeTestApp();
    const w = await makeWorld(t);
    const village = insertArea(t.db, { name: '东村\u202Egpj.exe\r\n', kind: 'village', parentId: w.areas.townA.id, createdAt: 0 });
    const county = await login(t, 'county');
    const { res } = await workbookOf(t, `/api/exports/households.xlsx?areaId=${village.id}`, county);
    const header = res.headers.get('content-disposition')!;
    expect(header).not.toMatch(/[\r\n\u202e]/);
    expect(header).not.toMatch(/%E2%80%AE|%0D|%0A/i);
    expect(decodeURIComponent(header.split("filename*=UTF-8''")[1])).toMatch(/^农户名单-东村gpj\.exe-导出\d{4}-\d{2}-\d{2}\.xlsx$/);
  });
});
