import { replicaDb } from '../../../db/client';
import { groupNamesUnder, householdsOfVillages, membersOfHouseholds } from '../../../db/excel/roster';
import { householdCategoryLabels } from '../../lib/labels';
import type { Ctx } from '../../lib/context';
import { assertExportSize, reportArea, villagesUnder } from './exportScope';
import { relationLabels, type Relation } from './labels';
import type { ExportAreaQuery } from './schemas';
import { exportName, writeSheet, type XlsxFile } from './writeWorkbook';

/** The roster of an area; its first seven columns are the import template's, so the file imports back. */
export async function exportHouseholds(ctx: Ctx, query: ExportAreaQuery): Promise<XlsxFile> {
  const db = replicaDb(ctx.db);
  const area = await reportArea(db, ctx, query.areaId);
  const villages = await villagesUnder(db, area);
  const villageName = new Map(villages.map((v) => [v.id, v.name]));
  const villageIds = villages.map((v) => v.id);
  const rows = await householdsOfVillages(db, villageIds);
  assertExportSize(rows.length);
  const groupName = await groupNamesUnder(db, villageIds);
  const members = new Map<number, string[]>();
  for (const m of await membersOfHouseholds(db, rows.map((h) => h.id))) {
    if (m.relation === 'head') continue;
    const list = members.get(m.householdId) ?? [];
    list.push(`${m.name}(${relationLabels[m.relation as Relation] ?? '其他'})`);
    members.set(m.householdId, list);
  }
  type H = (typeof rows)[number];
  const at = ctx.now.getTime();
  const body = await writeSheet<H>(
    {
      name: '农户名单',
      title: `${area.name} 农户名单（共 ${rows.length} 户）`,
      columns: [
        { header: '户主姓名', width: 12, value: (h) => h.headName },
        { header: '门牌号', width: 12, value: (h) => h.doorNo },
        { header: '村民小组', width: 12, value: (h) => (h.groupId ? (groupName.get(h.groupId) ?? null) : null) },
        { header: '类别', width: 10, value: (h) => householdCategoryLabels[h.category] },
        { header: '手机号', width: 14, value: (h) => h.phone, text: true },
        { header: '身份证号', width: 22, value: (h) => h.idNumber, text: true },
        { header: '家庭成员', width: 36, value: (h) => members.get(h.id)?.join(';') ?? null },
        { header: '所属村', width: 12, value: (h) => villageName.get(h.villageId) ?? null },
        { header: '积分余额', width: 10, value: (h) => h.balance },
        { header: '状态', width: 8, value: (h) => (h.status === 'active' ? '在册' : '已注销') },
      ],
      rows,
    },
    at,
  );
  return { filename: exportName('农户名单', area.name, at), body };
}
