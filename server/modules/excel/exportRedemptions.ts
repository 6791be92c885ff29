import { replicaDb } from '../../../db/client';
import { countRedemptionsForExport, redemptionLines, redemptionsForExport } from '../../../db/excel/exports';
import type { Ctx } from '../../lib/context';
import { assertExportSize, periodSpan, reportArea, shanghaiDateTime, villagesUnder } from './exportScope';
import type { ExportPeriodQuery } from './schemas';
import { exportName, writeSheet, type XlsxFile } from './writeWorkbook';

/** Redemptions at the counter in a period, each with what was handed over. */
export async function exportRedemptions(ctx: Ctx, query: ExportPeriodQuery): Promise<XlsxFile> {
  const db = replicaDb(ctx.db);
  const area = await reportArea(db, ctx, query.areaId);
  const villageIds = (await villagesUnder(db, area)).map((v) => v.id);
  const span = periodSpan(query.period);
  assertExportSize(await countRedemptionsForExport(db, villageIds, span));
  const rows = await redemptionsForExport(db, villageIds, span);
  const items = new Map<number, string[]>();
  for (const l of await redemptionLines(db, rows.map((r) => r.id))) items.set(l.redemptionId, [...(items.get(l.redemptionId) ?? []), `${l.name}×${l.quantity}${l.unit}`]);
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
