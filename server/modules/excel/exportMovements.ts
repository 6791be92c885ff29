import { replicaDb } from '../../../db/client';
import { countMovementsForExport, movementsForExport } from '../../../db/excel/exports';
import type { Ctx } from '../../lib/context';
import { assertExportSize, periodSpan, reportArea, shanghaiDateTime, storesUnder } from './exportScope';
import { movementKindLabels } from './labels';
import type { ExportPeriodQuery } from './schemas';
import { exportName, writeSheet, type XlsxFile } from './writeWorkbook';

/** Every stock movement of the stores in an area during a period. */
export async function exportMovements(ctx: Ctx, query: ExportPeriodQuery): Promise<XlsxFile> {
  const db = replicaDb(ctx.db);
  const area = await reportArea(db, ctx, query.areaId);
  const storeIds = (await storesUnder(db, area)).map((s) => s.id);
  const span = periodSpan(query.period);
  assertExportSize(await countMovementsForExport(db, storeIds, span));
  const rows = await movementsForExport(db, storeIds, span);
  type R = (typeof rows)[number];
  const at = ctx.now.getTime();
  const body = await writeSheet<R>(
    {
      name: '库存变动',
      title: `${area.name} 库存变动 ${query.period}（共 ${rows.length} 笔）`,
      columns: [
        { header: '编号', width: 8, value: (r) => r.id },
        { header: '时间', width: 17, value: (r) => shanghaiDateTime(r.createdAt) },
        { header: '超市', width: 10, value: (r) => r.store },
        { header: '商品', width: 16, value: (r) => r.goodsName },
        { header: '类型', width: 10, value: (r) => movementKindLabels[r.kind] },
        { header: '数量', width: 8, value: (r) => r.quantity },
        { header: '单位', width: 6, value: (r) => r.unit },
        { header: '结存', width: 8, value: (r) => r.stockAfter },
        { header: '捐赠方', width: 16, value: (r) => r.donor },
        { header: '备注', width: 24, value: (r) => r.note },
      ],
      rows,
    },
    at,
  );
  return { filename: exportName('库存变动', area.name, at, query.period), body };
}
