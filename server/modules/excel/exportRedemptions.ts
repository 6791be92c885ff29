import { and, asc, count, eq, gte, inArray, lt } from 'drizzle-orm';
import { areas, goods, households, redemptionItems, redemptions } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { assertExportSize, periodSpan, reportArea, shanghaiDateTime, villagesUnder } from './exportScope';
import type { ExportPeriodQuery } from './schemas';
import { exportName, writeSheet, type XlsxFile } from './writeWorkbook';

/** Redemptions at the counter in a period, each with what was handed over. */
export async function exportRedemptions(ctx: Ctx, query: ExportPeriodQuery): Promise<XlsxFile> {
  const area = reportArea(ctx, query.areaId);
  const villageIds = villagesUnder(ctx, area).map((v) => v.id);
  const { fromMs, toMs } = periodSpan(query.period);
  const where = and(inArray(redemptions.villageId, villageIds.length ? villageIds : [-1]), gte(redemptions.createdAt, fromMs), lt(redemptions.createdAt, toMs));
  assertExportSize(ctx.db.select({ n: count() }).from(redemptions).where(where).get()?.n ?? 0);
  const rows = ctx.db
    .select({
      id: redemptions.id,
      createdAt: redemptions.createdAt,
      village: areas.name,
      headName: households.headName,
      doorNo: households.doorNo,
      points: redemptions.points,
      balanceAfter: redemptions.balanceAfter,
      via: redemptions.via,
    })
    .from(redemptions)
    .innerJoin(households, eq(households.id, redemptions.householdId))
    .innerJoin(areas, eq(areas.id, redemptions.villageId))
    .where(where)
    .orderBy(asc(redemptions.id))
    .all();
  const items = new Map<number, string[]>();
  for (let i = 0; i < rows.length; i += 500) {
    const ids = rows.slice(i, i + 500).map((r) => r.id);
    const lines = ctx.db
      .select({ redemptionId: redemptionItems.redemptionId, name: goods.name, unit: goods.unit, quantity: redemptionItems.quantity })
      .from(redemptionItems)
      .innerJoin(goods, eq(goods.id, redemptionItems.goodsId))
      .where(inArray(redemptionItems.redemptionId, ids))
      .all();
    for (const l of lines) items.set(l.redemptionId, [...(items.get(l.redemptionId) ?? []), `${l.name}×${l.quantity}${l.unit}`]);
  }
  type R = (typeof rows)[number];
  const at = ctx.now.getTime();
  const body = await writeSheet<R>(
    {
      name: '兑换记录',
      title: `${area.name} 兑换记录 ${query.period}（共 ${rows.length} 笔）`,
      columns: [
        { header: '编号', width: 8, value: (r) => r.id },
        { header: '时间', width: 17, value: (r) => shanghaiDateTime(r.createdAt) },
        { header: '村', width: 10, value: (r) => r.village },
        { header: '户主姓名', width: 12, value: (r) => r.headName },
        { header: '门牌号', width: 10, value: (r) => r.doorNo },
        { header: '商品', width: 32, value: (r) => items.get(r.id)?.join('；') ?? null },
        { header: '积分', width: 8, value: (r) => r.points },
        { header: '兑换后余额', width: 11, value: (r) => r.balanceAfter },
        { header: '方式', width: 8, value: (r) => (r.via === 'pass' ? '手机码' : '积分卡') },
      ],
      rows,
    },
    at,
  );
  return { filename: exportName('兑换记录', area.name, at, query.period), body };
}
