import type { AreaRow } from '../../../db/areas';
import { readDb, type Db } from '../../../db/client';
import { activeHouseholdsByGroup, groupNamesUnder } from '../../../db/excel/roster';
import type { Ctx } from '../../lib/context';
import { getVillageInScope } from '../../lib/scope';
import { headingNamer } from '../rules/headings';
import { applicableRules } from './checkAwardRows';
import { newWorkbook } from './exceljs';
import { safeCell, type XlsxFile } from './writeWorkbook';

export interface ScoreFill {
  householdId: number;
  rule: string;
  quantity: number;
}

/**
 * A score sheet (评分表) listing every active household of the village, ready for 细则 and 数量;
 * sheet 细则 lists the rules the village may use. `fill` pre-fills rows (the demo hygiene sheet);
 * `withoutIds` leaves household ids out so the sheet matches by name and door number in any copy of the data.
 */
export async function writeScoreWorkbook(db: Db, village: AreaRow, opts: { ruleName?: string; fill?: ScoreFill[]; withoutIds?: boolean } = {}): Promise<Buffer> {
  const groupName = await groupNamesUnder(db, [village.id]);
  const list = await activeHouseholdsByGroup(db, village.id);
  const ruleList = await applicableRules(db, village);
  const heading = await headingNamer(db, ruleList.map((r) => r.category));
  const fill = new Map((opts.fill ?? []).map((f) => [f.householdId, f]));

  const wb = await newWorkbook();
  wb.creator = 'jifen';
  const ws = wb.addWorksheet('评分表', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: '户编号', width: 9 },
    { header: '户主姓名', width: 12 },
    { header: '门牌号', width: 12 },
    { header: '村民小组', width: 12 },
    { header: '细则', width: 26 },
    { header: '数量', width: 8 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const h of list) {
    const f = fill.get(h.id);
    ws.addRow([opts.withoutIds ? null : h.id, h.headName, h.doorNo, h.groupId ? (groupName.get(h.groupId) ?? null) : null, f?.rule ?? opts.ruleName ?? null, f?.quantity ?? null].map(safeCell));
  }
  if (ruleList.length) {
    for (let n = 2; n <= list.length + 1; n++) {
      ws.getCell(`E${n}`).dataValidation = { type: 'list', allowBlank: true, formulae: [`'细则'!$B$2:$B$${ruleList.length + 1}`] };
    }
  }
  const rs = wb.addWorksheet('细则');
  rs.columns = [
    { header: '细则编号', width: 9 },
    { header: '细则', width: 28 },
    { header: '类别', width: 10 },
    { header: '每单位积分', width: 11 },
    { header: '单位', width: 6 },
    { header: '每月上限', width: 9 },
  ];
  rs.getRow(1).font = { bold: true };
  for (const r of ruleList) rs.addRow([r.id, r.name, heading(r.category), r.points, r.unit, r.monthlyCap].map(safeCell));
  const help = wb.addWorksheet('填写说明');
  help.getColumn(1).width = 90;
  for (const line of [
    '评分表填写说明',
    '每一行是一户，请不要改动“户编号”“户主姓名”“门牌号”。',
    '“细则”从下拉框选择（见“细则”工作表），“数量”填次数或分数对应的数量（1 到 1000 的整数）。',
    '数量留空的行会被跳过，表示这户本次没有积分。',
    '上传后先显示预览：找不到的农户、同名无法区分的户主、不存在的细则、超出每月上限的行会标红，全部改正后才能导入。',
    '导入后积分进入“待评议”，由评议小组按平常流程审核。',
  ])
    help.addRow([line]);
  help.getRow(1).font = { bold: true, size: 14 };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function makeScoreTemplate(ctx: Ctx, villageId: number | undefined, ruleId: number | undefined): Promise<XlsxFile> {
  const db = readDb(ctx.db);
  const village = await getVillageInScope(db, ctx.actor, villageId ?? ctx.actor.areaId);
  const rule = ruleId ? (await applicableRules(db, village)).find((r) => r.id === ruleId) : undefined;
  return { filename: `积分评分表-${village.name}.xlsx`, body: await writeScoreWorkbook(db, village, { ruleName: rule?.name }) };
}
