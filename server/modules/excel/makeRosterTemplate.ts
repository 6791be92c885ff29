import { readDb } from '../../../db/client';
import { groupsOfVillage } from '../../../db/excel/roster';
import type { Ctx } from '../../lib/context';
import { householdCategoryLabels as categoryLabels } from '../../lib/labels';
import { getVillageInScope } from '../../lib/scope';
import { newWorkbook } from './exceljs';
import { relationLabels, rosterHeaders } from './labels';
import { safeCell, type XlsxFile } from './writeWorkbook';

export interface RosterHousehold {
  headName: string;
  doorNo?: string | null;
  group?: string | null;
  category?: string | null;
  phone?: string | null;
  idNumber?: string | null;
  members?: string | null;
}

const widths = [12, 12, 12, 10, 14, 22, 40];

/**
 * The roster workbook cadres fill in: sheet 农户名单 (one row per household, members in one cell) and
 * sheet 填写说明. Also used by the demo seed to write the shipped roster, so both stay the same format.
 */
export async function writeRosterWorkbook(rows: RosterHousehold[], groups: string[]): Promise<Buffer> {
  const wb = await newWorkbook();
  wb.creator = 'jifen';
  const ws = wb.addWorksheet('农户名单', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = rosterHeaders.map((h, i) => ({ header: h, key: h, width: widths[i], style: h === '手机号' || h === '身份证号' || h === '门牌号' ? { numFmt: '@' } : {} }));
  ws.getRow(1).font = { bold: true };
  ws.getCell('A1').value = '户主姓名*';
  for (const r of rows) ws.addRow([r.headName, r.doorNo ?? null, r.group ?? null, r.category ?? null, r.phone ?? null, r.idNumber ?? null, r.members ?? null].map(safeCell));
  // A group name with a quote or comma cannot sit in a list formula (it would end it): typed, not picked.
  const listable = groups.filter((g) => !/[",]/.test(g));
  const last = Math.max(rows.length + 1, 500);
  for (let n = 2; n <= last; n++) {
    ws.getCell(`D${n}`).dataValidation = { type: 'list', allowBlank: true, formulae: [`"${Object.values(categoryLabels).join(',')}"`] };
    if (listable.length) ws.getCell(`C${n}`).dataValidation = { type: 'list', allowBlank: true, formulae: [`"${listable.join(',')}"`] };
  }

  const help = wb.addWorksheet('填写说明');
  help.getColumn(1).width = 14;
  help.getColumn(2).width = 80;
  const lines: [string, string][] = [
    ['填写说明', ''],
    ['每一行', '一户。第一行是表头，请不要修改表头；不要合并单元格。'],
    ['户主姓名*', '必填。只写汉字（少数民族姓名可用间隔号“·”）。'],
    ['门牌号', '选填，如“12号”或“3组15号”。同一个村里门牌号不能重复。'],
    ['村民小组', groups.length ? `选填，只能填本村已有的小组：${groups.join('、')}。` : '选填，只能填本村已设立的村民小组名称；本村未设小组时留空。'],
    ['类别', `选填，不填按“一般户”。可填：${Object.values(categoryLabels).join('、')}。`],
    ['手机号', '选填，11 位手机号。'],
    ['身份证号', '选填但建议填写，18 位，最后一位可以是 X。请保持该列为“文本”格式，否则 Excel 会把号码变成 4.3E+17。'],
    ['家庭成员', `选填，户主以外的成员写在同一格里，格式“姓名(关系)”，多人用分号隔开，例如：李秀英(配偶);张伟(子女);张小红(孙子女)。关系可写：${Object.entries(relationLabels).filter(([k]) => k !== 'head').map(([, v]) => v).join('、')}，也可写妻子、儿子、女儿、父亲、母亲等。`],
    ['再次导入', '同一个文件可以重复导入：按身份证号（没有身份证号时按门牌号）找到已登记的农户就更新，不会重复登记。留空的格子不会清除已登记的内容，已有的家庭成员也不会被删除。'],
    ['导入前', '上传后系统会先逐行检查并显示预览，有错误的行标红；确认无误后点“确认导入”才会写入。'],
    ['示例', '张三明 | 12号 | 一组 | 一般户 | 13800138000 | 430721198001010012 | 李秀英(配偶);张伟(子女)'],
  ];
  for (const [k, v] of lines) help.addRow([k, v]);
  help.getRow(1).font = { bold: true, size: 14 };
  help.getColumn(1).font = { bold: true };
  help.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The blank roster template for one village, with its groups offered in a drop-down. */
export async function makeRosterTemplate(ctx: Ctx, villageId: number | undefined): Promise<XlsxFile> {
  const db = readDb(ctx.db);
  const village = await getVillageInScope(db, ctx.actor, villageId ?? ctx.actor.areaId);
  const groups = (await groupsOfVillage(db, village.id)).map((g) => g.name);
  return { filename: `农户名单导入模板-${village.name}.xlsx`, body: await writeRosterWorkbook([], groups) };
}
