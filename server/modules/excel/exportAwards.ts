import { awardsForExport, countAwardsForExport } from '../../../db/excel/exports';
import { replicaDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { assertExportSize, periodSpan, reportArea, shanghaiDateTime, villagesUnder } from './exportScope';
import { awardStatusLabels } from './labels';
import type { ExportAwardsQuery } from './schemas';
import { exportName, writeSheet, type XlsxFile } from './writeWorkbook';

/** Awards of an area, optionally of one status and of deeds within a period. */
export async function exportAwards(ctx: Ctx, query: ExportAwardsQuery): Promise<XlsxFile> {
  const db = replicaDb(ctx.db);
  const area = await reportArea(db, ctx, query.areaId);
  const villageIds = (await villagesUnder(db, area)).map((v) => v.id);
  const span = query.period ? periodSpan(query.period) : undefined;
  const filter = { status: query.status, span };
  assertExportSize(await countAwardsForExport(db, villageIds, filter));
  const rows = await awardsForExport(db, villageIds, filter);
  type R = (typeof rows)[number];
  const at = ctx.now.getTime();
  const what = query.status ? `积分申报（${awardStatusLabels[query.status]}）` : '积分申报';
  const body = await writeSheet<R>(
    {
      name: '积分申报',
      title: `${area.name} ${what}${query.period ? ` ${query.period}` : ''}（共 ${rows.length} 条）`,
      columns: [
        { header: '编号', width: 8, value: (r) => r.id },
        { header: '发生日期', width: 12, value: (r) => r.occurredOn },
        { header: '村', width: 10, value: (r) => r.village },
        { header: '户主姓名', width: 12, value: (r) => r.headName },
        { header: '门牌号', width: 10, value: (r) => r.doorNo },
        { header: '细则', width: 22, value: (r) => r.ruleName },
        { header: '数量', width: 7, value: (r) => r.quantity },
        { header: '积分', width: 8, value: (r) => r.points },
        { header: '状态', width: 9, value: (r) => awardStatusLabels[r.status] },
        { header: '申报时间', width: 17, value: (r) => shanghaiDateTime(r.proposedAt) },
        { header: '批次', width: 7, value: (r) => r.batchId },
        { header: '备注', width: 24, value: (r) => r.note ?? r.rejectReason },
      ],
      rows,
    },
    at,
  );
  return { filename: exportName(what, area.name, at, query.period), body };
}
