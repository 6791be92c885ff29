import { and, asc, count, eq, gte, inArray, lte } from 'drizzle-orm';
import { areas, awards, households, rules } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { assertExportSize, periodSpan, reportArea, shanghaiDateTime, villagesUnder } from './exportScope';
import { awardStatusLabels } from './labels';
import type { ExportAwardsQuery } from './schemas';
import { exportName, writeSheet, type XlsxFile } from './writeWorkbook';

/** Awards of an area, optionally of one status and of deeds within a period. */
export async function exportAwards(ctx: Ctx, query: ExportAwardsQuery): Promise<XlsxFile> {
  const area = reportArea(ctx, query.areaId);
  const villageIds = villagesUnder(ctx, area).map((v) => v.id);
  const span = query.period ? periodSpan(query.period) : null;
  const where = and(
    inArray(awards.villageId, villageIds.length ? villageIds : [-1]),
    query.status ? eq(awards.status, query.status) : undefined,
    span ? gte(awards.occurredOn, span.from) : undefined,
    span ? lte(awards.occurredOn, span.to) : undefined,
  );
  assertExportSize(ctx.db.select({ n: count() }).from(awards).where(where).get()?.n ?? 0);
  const rows = ctx.db
    .select({
      id: awards.id,
      occurredOn: awards.occurredOn,
      village: areas.name,
      headName: households.headName,
      doorNo: households.doorNo,
      ruleName: rules.name,
      quantity: awards.quantity,
      points: awards.points,
      status: awards.status,
      proposedAt: awards.proposedAt,
      batchId: awards.batchId,
      note: awards.note,
      rejectReason: awards.rejectReason,
    })
    .from(awards)
    .innerJoin(households, eq(households.id, awards.householdId))
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .innerJoin(rules, eq(rules.id, awards.ruleId))
    .where(where)
    .orderBy(asc(awards.id))
    .all();
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
