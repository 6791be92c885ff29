import { replicaDb } from '../../../db/client';
import { countDonationsForExport, donationsForExport } from '../../../db/excel/exports';
import { donorKindLabels } from '../../lib/labels';
import type { Ctx } from '../../lib/context';
import { assertExportSize, periodSpan, reportArea, storesUnder } from './exportScope';
import type { ExportPeriodQuery } from './schemas';
import { exportName, writeSheet, type XlsxFile } from './writeWorkbook';

/** Donations received by the stores in an area during a period (the staff copy: anonymous donors named). */
export async function exportDonations(ctx: Ctx, query: ExportPeriodQuery): Promise<XlsxFile> {
  const db = replicaDb(ctx.db);
  const area = await reportArea(db, ctx, query.areaId);
  const storeIds = (await storesUnder(db, area)).map((s) => s.id);
  const span = periodSpan(query.period);
  assertExportSize(await countDonationsForExport(db, storeIds, span));
  const rows = await donationsForExport(db, storeIds, span);
  type R = (typeof rows)[number];
  const at = ctx.now.getTime();
  const body = await writeSheet<R>(
    {
      name: '捐赠登记',
      title: `${area.name} 捐赠登记 ${query.period}（共 ${rows.length} 笔）`,
      columns: [
        { header: '编号', width: 8, value: (r) => r.id },
        { header: '日期', width: 12, value: (r) => r.receivedOn },
        { header: '超市', width: 10, value: (r) => r.store },
        { header: '捐赠方', width: 20, value: (r) => r.donorName },
        { header: '捐赠方类型', width: 11, value: (r) => donorKindLabels[r.donorKind] },
        { header: '匿名', width: 6, value: (r) => (r.anonymous ? '是' : '否') },
        { header: '物品', width: 14, value: (r) => r.goodsName },
        { header: '数量', width: 8, value: (r) => (r.quantity == null ? null : `${r.quantity}${r.unit ?? ''}`) },
        { header: '价值（元）', width: 11, value: (r) => (r.amountFen == null ? null : r.amountFen / 100) },
        { header: '说明', width: 28, value: (r) => r.description },
      ],
      rows,
    },
    at,
  );
  return { filename: exportName('捐赠登记', area.name, at, query.period), body };
}
