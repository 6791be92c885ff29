import { readDb } from '../../../db/client';
import { rulesOfAreas } from '../../../db/rules';
import type { Ctx } from '../../lib/context';
import { Invalid } from '../../lib/errors';
import { getAreaInScope } from '../../lib/scope';
import { exportName, writeSheet, type XlsxFile } from '../excel/writeWorkbook';
import { catalogueColumns } from './checkCatalogueRows';
import { ancestry, headingsInForce } from './headings';

/**
 * The catalogue in force in an area (its own items and those inherited) in the shape it is imported
 * in: 类别 / 项目 / 分值 / 单位 / 上限 / 需佐证 / 备注, by heading order. A file exported here imports
 * back unchanged.
 */
export async function exportCatalogue(ctx: Ctx, areaId: number): Promise<XlsxFile> {
  const db = readDb(ctx.db);
  const area = await getAreaInScope(db, ctx.actor, areaId);
  if (area.kind === 'group') throw new Invalid('细则只能按县、乡镇或村导出', undefined, 'invalid_area');
  const headings = await headingsInForce(db, area);
  const position = new Map(headings.map((h, i) => [h.code, i]));
  const name = new Map(headings.map((h) => [h.code, h.name]));
  const rules = (await rulesOfAreas(db, ancestry(area.path), { includeInactive: false })).sort(
    (a, b) => (position.get(a.category) ?? 1e9) - (position.get(b.category) ?? 1e9) || b.points - a.points || a.id - b.id,
  );
  type R = (typeof rules)[number];
  const at = ctx.now.getTime();
  const values: Array<(r: R) => string | number | null> = [
    (r) => name.get(r.category) ?? r.category,
    (r) => r.name,
    (r) => r.points,
    (r) => r.unit,
    (r) => r.monthlyCap,
    (r) => (r.evidenceRequired ? '是' : '否'),
    (r) => r.note,
  ];
  const widths = [14, 32, 8, 6, 8, 8, 30];
  const body = await writeSheet<R>(
    {
      name: '积分细则',
      title: `${area.name} 积分细则（共 ${rules.length} 项）`,
      columns: catalogueColumns.map((header, i) => ({ header, width: widths[i], value: values[i] })),
      rows: rules,
    },
    at,
  );
  return { filename: exportName('积分细则', area.name, at), body };
}
