import { replicaDb } from '../../../db/client';
import { countLedgerForExport, ledgerForExport } from '../../../db/excel/exports';
import type { Ctx } from '../../lib/context';
import { headingNamer } from '../rules/headings';
import { assertExportSize, periodSpan, reportArea, shanghaiDateTime, villagesUnder } from './exportScope';
import { ledgerKindLabels } from './labels';
import type { ExportPeriodQuery } from './schemas';
import { exportName, writeSheet, type XlsxFile } from './writeWorkbook';

/** Every ledger entry of an area whose day falls in the period, in ledger order. */
export async function exportLedger(ctx: Ctx, query: ExportPeriodQuery): Promise<XlsxFile> {
  const db = replicaDb(ctx.db);
  const area = await reportArea(db, ctx, query.areaId);
  const villageIds = (await villagesUnder(db, area)).map((v) => v.id);
  const span = periodSpan(query.period);
  assertExportSize(await countLedgerForExport(db, villageIds, span));
  const rows = await ledgerForExport(db, villageIds, span);
  type R = (typeof rows)[number];
  const heading = await headingNamer(db, rows.map((r) => r.category));
  const at = ctx.now.getTime();
  const body = await writeSheet<R>(
    {
      name: '积分流水',
      title: `${area.name} 积分流水 ${query.period}（共 ${rows.length} 笔）`,
      columns: [
        { header: '流水号', width: 9, value: (r) => r.id },
        { header: '日期', width: 12, value: (r) => r.occurredOn },
        { header: '村', width: 10, value: (r) => r.village },
        { header: '户主姓名', width: 12, value: (r) => r.headName },
        { header: '门牌号', width: 10, value: (r) => r.doorNo },
        { header: '类型', width: 9, value: (r) => ledgerKindLabels[r.kind] },
        { header: '积分', width: 8, value: (r) => r.points },
        { header: '表现积分', width: 9, value: (r) => r.conductPoints },
        { header: '余额', width: 8, value: (r) => r.balanceAfter },
        { header: '细则', width: 20, value: (r) => r.ruleName },
        { header: '类别', width: 10, value: (r) => (r.category ? heading(r.category) : null) },
        { header: '备注', width: 24, value: (r) => r.note },
        { header: '记账时间', width: 17, value: (r) => shanghaiDateTime(r.createdAt) },
      ],
      rows,
    },
    at,
  );
  return { filename: exportName('积分流水', area.name, at, query.period), body };
}
