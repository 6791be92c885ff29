import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { insertArea } from '../../db/areas';
import { auditLog, householdMembers, households } from '../../db/schema';
import { withIdChecksum } from '../../server/lib/identity';
import { makeTestApp } from '../support/app';
import { call, login, makeWorld } from '../support/factories';
import { csvFile, HEADER, xlsxFile } from './sheets';

const id = (n: number) => withIdChecksum(`43072119850101${String(n).padStart(3, '0')}`);
const badChecksum = (n: number) => {
  const good = id(n);
  return good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
};

async function world() {
  const t = makeTestApp();
  const w = await makeWorld(t);
  const group1 = insertArea(t.db, { name: '一组', kind: 'group', parentId: w.areas.villageA.id, createdAt: 0 });
  insertArea(t.db, { name: '二组', kind: 'group', parentId: w.areas.villageA.id, createdAt: 0 });
  const cadre = await login(t, 'cadre');
  return { t, w, cadre, group1 };
}

const clean = [
  HEADER,
  ['王建国', '21号', '一组', '一般户', '13900001111', id(1), '李秀英(配偶);王伟(子女)'],
  ['赵桂兰', '22号', '二组', '低保户', '', id(2), '赵强（儿子）；钱芳（儿媳）'],
  ['孙大海', '23号', '', '', '', '', ''],
];

describe('household import', () => {
  it('previews every row of an .xlsx roster without writing anything', async () => {
    const { t, w, cadre } = await world();
    const before = t.db.select().from(households).all().length;
    const res = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: await xlsxFile(clean) } });
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ total: 3, create: 3, update: 0, unchanged: 0, error: 0 });
    expect(res.body.rows[0]).toMatchObject({ row: 2, headName: '王建国', groupName: '一组', category: 'general', members: [{ name: '李秀英', relation: 'spouse' }, { name: '王伟', relation: 'child' }] });
    expect(res.body.rows[1]).toMatchObject({ category: 'dibao', members: [{ name: '赵强', relation: 'child' }, { name: '钱芳', relation: 'child' }] });
    expect(t.db.select().from(households).all().length).toBe(before);
  });

  it('imports households with members in one audited transaction', async () => {
    const { t, w, cadre, group1 } = await world();
    const res = await call(t, 'POST', '/api/imports/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: await xlsxFile(clean) } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ create: 3, update: 0, error: 0 });
    const wang = t.db.select().from(households).where(eq(households.idNumber, id(1))).get()!;
    expect(wang).toMatchObject({ headName: '王建国', doorNo: '21号', groupId: group1.id, phone: '13900001111', villageId: w.areas.villageA.id });
    const members = t.db.select().from(householdMembers).where(eq(householdMembers.householdId, wang.id)).all();
    expect(members.map((m) => [m.name, m.relation])).toEqual([['王建国', 'head'], ['李秀英', 'spouse'], ['王伟', 'child']]);
    const actions = t.db.select().from(auditLog).all().map((a) => a.action);
    expect(actions.filter((a) => a === 'household.create')).toHaveLength(3);
    expect(actions.filter((a) => a === 'household.import')).toHaveLength(1);
  });

  it('reads a GBK csv as exported by WPS, and a UTF-8 csv with BOM', async () => {
    const { t, w, cadre } = await world();
    for (const enc of ['gbk', 'utf8bom'] as const) {
      const res = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: csvFile(clean, enc) } });
      expect(res.status).toBe(200);
      expect(res.body.counts.error).toBe(0);
      expect(res.body.rows.map((r: { headName: string }) => r.headName)).toEqual(['王建国', '赵桂兰', '孙大海']);
      expect(res.body.rows[1].members[0].name).toBe('赵强');
    }
  });

  it('re-importing the same file updates and never duplicates', async () => {
    const { t, w, cadre } = await world();
    const file = await xlsxFile(clean);
    await call(t, 'POST', '/api/imports/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, file } });
    const count = t.db.select().from(households).all().length;
    const again = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file } });
    expect(again.body.counts).toMatchObject({ create: 0, unchanged: 3 });
    const changed = clean.map((r) => [...r]);
    changed[1][4] = '13900002222';
    changed[3][3] = '五保户'; // matched by door number: it has no ID number
    const res = await call(t, 'POST', '/api/imports/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: await xlsxFile(changed) } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ create: 0, update: 2, unchanged: 1 });
    expect(t.db.select().from(households).all().length).toBe(count);
    expect(t.db.select().from(households).where(eq(households.idNumber, id(1))).get()!.phone).toBe('13900002222');
    expect(t.db.select().from(households).where(eq(households.doorNo, '23号')).get()!.category).toBe('wubao');
    expect(t.db.select().from(householdMembers).all().filter((m) => m.name === '李秀英')).toHaveLength(1);

    // A sheet with blank phone, group and category cells changes nothing it does not mention.
    const sparse = [HEADER, ['王建国', '', '', '', '', id(1), '']];
    const sparsePreview = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: await xlsxFile(sparse) } });
    expect(sparsePreview.body.rows[0].action).toBe('unchanged');
  });

  it('marks every error class on its row and writes nothing on confirm', async () => {
    const { t, w, cadre } = await world();
    const taken = w.otherHousehold.idNumber!; // registered in another village
    const rows = [
      HEADER,
      ['', '31号', '', '', '', '', ''], // missing name
      ['钱一', '32号', '', '', '', badChecksum(3), ''], // bad checksum
      ['钱二', '33号', '', '', '', id(4), ''],
      ['钱三', '34号', '', '', '', id(4), ''], // duplicate ID within the file
      ['钱四', '35号', '', '', '', taken, ''], // ID registered elsewhere
      ['钱五', '36号', '九组', '', '', '', ''], // a group the village lacks: not an error, made on a confirmed import
      ['钱六', '37号', '', '', '1380013', '', ''], // bad phone
      ['钱七', '38号', '', '贫困户', '', '', ''], // unknown category label
      ['钱八', '39号', '', '', '', '', '李四(表亲)'], // unknown relation
      ['钱九', '33号', '', '', '', '', ''], // duplicate door number within the file
    ];
    const preview = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: await xlsxFile(rows) } });
    expect(preview.status).toBe(200);
    const byRow = new Map<number, { action: string; errors: { field: string; message: string }[] }>(preview.body.rows.map((r: { row: number }) => [r.row, r]));
    const fieldOf = (row: number) => byRow.get(row)!.errors.map((e) => e.field);
    expect(fieldOf(2)).toContain('户主姓名');
    expect(byRow.get(3)!.errors[0].message).toMatch(/校验位/);
    expect(byRow.get(4)!.action).toBe('create');
    expect(byRow.get(5)!.errors[0].message).toMatch(/第 4 行重复/);
    // Refused without saying where the number is registered: another village's data stays there.
    expect(byRow.get(6)!.errors[0].message).toBe('该身份证号无法登记，请核对或联系乡镇');
    expect(byRow.get(7)!.action).toBe('create');
    expect(preview.body.newGroups).toEqual(['九组']);
    expect(fieldOf(8)).toEqual(['手机号']);
    expect(byRow.get(9)!.errors[0].message).toMatch(/贫困户/);
    expect(fieldOf(10)).toEqual(['家庭成员']);
    expect(byRow.get(11)!.errors[0].message).toMatch(/门牌号与第 4 行重复/);
    expect(preview.body.counts).toMatchObject({ total: 10, create: 2, error: 8 });

    const before = t.db.select().from(households).all().length;
    const audits = t.db.select().from(auditLog).all().length;
    const res = await call(t, 'POST', '/api/imports/households', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: await xlsxFile(rows) } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('import_has_errors');
    expect(t.db.select().from(households).all().length).toBe(before);
    expect(t.db.select().from(auditLog).all().length).toBe(audits);
  });

  it('flags an ID number already registered to another household of the village under a different door', async () => {
    const { t, w, cadre } = await world();
    const rows = [HEADER, ['张三明', '999号', '', '', '', w.household.idNumber!, ''], ['李某', w.household.doorNo!, '', '', '', id(9), '']];
    const res = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: await xlsxFile(rows) } });
    expect(res.body.rows[0]).toMatchObject({ action: 'update', householdId: w.household.id });
    expect(res.body.rows[1].action).toBe('error');
    expect(res.body.rows[1].errors[0].message).toMatch(/身份证号不同/);
  });

  it('refuses files it cannot read and villages outside the cadre area with clear messages', async () => {
    const { t, w, cadre } = await world();
    const notXlsx = { filename: 'a.xlsx', contentBase64: Buffer.from('hello').toString('base64') };
    const bad = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: notXlsx } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/无法读取/);
    const noHeader = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: await xlsxFile([['a', 'b'], ['1', '2']]) } });
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.error.code).toBe('missing_header');
    const big = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: { filename: 'a.xlsx', contentBase64: 'A'.repeat(1_200_000) } } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const sci = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: csvFile([HEADER, ['钱十', '40号', '', '', '', '4.30721E+17', '']], 'utf8bom') } });
    expect(sci.body.rows[0].errors[0].message).toMatch(/文本/);
    const pdf = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageA.id, file: { filename: 'a.pdf', contentBase64: 'AAAA' } } });
    expect(pdf.status).toBe(400);
    const other = await call(t, 'POST', '/api/imports/households/preview', { cookie: cadre, body: { villageId: w.areas.villageB.id, file: await xlsxFile(clean) } });
    expect(other.status).toBe(404);
    const reviewer = await login(t, 'reviewer');
    const forbidden = await call(t, 'POST', '/api/imports/households', { cookie: reviewer, body: { villageId: w.areas.villageA.id, file: await xlsxFile(clean) } });
    expect(forbidden.status).toBe(403);
  });

  it('offers a template whose headers the import reads back', async () => {
    const { t, w, cadre } = await world();
    const res = await t.app.request(`/api/imports/households/template.xlsx?villageId=${w.areas.villageA.id}`, { headers: { cookie: cadre } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    const buf = Buffer.from(await res.arrayBuffer());
    const { readXlsx } = await import('./sheets');
    const sheet = await readXlsx(buf, '农户名单');
    expect(sheet[0]).toEqual(['户主姓名*', ...HEADER.slice(1)]);
    const help = await readXlsx(buf, '填写说明');
    expect(help.flat().join('')).toContain('李秀英(配偶)');
  });
});
