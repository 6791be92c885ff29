import { and, asc, count, eq, gte, inArray, lte } from 'drizzle-orm';
import { areas, households, ledgerEntries, rules } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { assertExportSize, periodSpan, reportArea, shanghaiDateTime, villagesUnder } from './exportScope';
import { ledgerKindLabels, ruleCategoryLabels } from './labels';
import type { ExportPeriodQuery } from './schemas';
import { exportName, writeSheet, type XlsxFile } from './writeWorkbook';

/** Every ledger entry of an area whose day falls in the period, in ledger order. */
export async function exportLedger(ctx: Ctx, query: ExportPeriodQuery): Promise<XlsxFile> {
  const area = reportArea(ctx, query.areaId);
  const villageIds = villagesUnder(ctx, area).map((v) => v.id);
  const { from, to } = periodSpan(query.period);
  const where = and(inArray(ledgerEntries.villageId, villageIds.length ? villageIds : [-1]), gte(ledgerEntries.occurredOn, from), lte(ledgerEntries.occurredOn, to));
  assertExportSize(ctx.db.select({ n: count() }).from(ledgerEntries).where(where).get()?.n ?? 0);
  const rows = ctx.db
    .select({
      id: ledgerEntries.id,
      occurredOn: ledgerEntries.occurredOn,
      village: areas.name,
      headName: households.headName,
      doorNo: households.doorNo,
      kind: ledgerEntries.kind,
      points: ledgerEntries.points,
      conductPoints: ledgerEntries.conductPoints,
      balanceAfter: ledgerEntries.balanceAfter,
      ruleName: rules.name,
      category: ledgerEntries.category,
      note: ledgerEntries.note,
      createdAt: ledgerEntries.createdAt,
    })
    .from(ledgerEntries)
    .innerJoin(households, eq(households.id, ledgerEntries.householdId))
    .innerJoin(areas, eq(areas.id, ledgerEntries.villageId))
    .leftJoin(rules, eq(rules.id, ledgerEntries.ruleId))
    .where(where)
    .orderBy(asc(ledgerEntries.id))
    .all();
  type R = (typeof rows)[number];
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
        { header: '类别', width: 10, value: (r) => (r.category ? (ruleCategoryLabels[r.category as keyof typeof ruleCategoryLabels] ?? r.category) : null) },
        { header: '备注', width: 24, value: (r) => r.note },
        { header: '记账时间', width: 17, value: (r) => shanghaiDateTime(r.createdAt) },
      ],
      rows,
    },
    at,
  );
  return { filename: exportName('积分流水', area.name, at, query.period), body };
}
