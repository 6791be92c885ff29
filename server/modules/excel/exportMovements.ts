import { and, asc, count, eq, gte, inArray, lt } from 'drizzle-orm';
import { areas, donations, goods, stockMovements } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { assertExportSize, periodSpan, reportArea, shanghaiDateTime, storesUnder } from './exportScope';
import { movementKindLabels } from './labels';
import type { ExportPeriodQuery } from './schemas';
import { exportName, writeSheet, type XlsxFile } from './writeWorkbook';

/** Every stock movement of the stores in an area during a period. */
export async function exportMovements(ctx: Ctx, query: ExportPeriodQuery): Promise<XlsxFile> {
  const area = reportArea(ctx, query.areaId);
  const storeIds = storesUnder(ctx, area).map((s) => s.id);
  const { fromMs, toMs } = periodSpan(query.period);
  const where = and(inArray(stockMovements.storeAreaId, storeIds.length ? storeIds : [-1]), gte(stockMovements.createdAt, fromMs), lt(stockMovements.createdAt, toMs));
  assertExportSize(ctx.db.select({ n: count() }).from(stockMovements).where(where).get()?.n ?? 0);
  const rows = ctx.db
    .select({
      id: stockMovements.id,
      createdAt: stockMovements.createdAt,
      store: areas.name,
      goodsName: goods.name,
      unit: goods.unit,
      kind: stockMovements.kind,
      quantity: stockMovements.quantity,
      stockAfter: stockMovements.stockAfter,
      donor: donations.donorName,
      note: stockMovements.note,
    })
    .from(stockMovements)
    .innerJoin(goods, eq(goods.id, stockMovements.goodsId))
    .innerJoin(areas, eq(areas.id, stockMovements.storeAreaId))
    .leftJoin(donations, eq(donations.id, stockMovements.donationId))
    .where(where)
    .orderBy(asc(stockMovements.id))
    .all();
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
