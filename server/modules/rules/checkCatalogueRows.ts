import { readDb, type Db } from '../../../db/client';
import { headingsOfAreas, rulesOfAreas, type HeadingRow, type RuleRow } from '../../../db/rules';
import type { Ctx } from '../../lib/context';
import { Invalid, Unprocessable } from '../../lib/errors';
import { getAreaInScope, type AreaRow } from '../../lib/scope';
import { readTable, type SheetRow } from '../excel/readTable';
import { ancestry } from './headings';
import type { CatalogueImportBody } from './schemas';

/** The columns of a village catalogue (积分细则) as villages keep it, in order. */
export const catalogueColumns = ['类别', '项目', '分值', '单位', '上限', '需佐证', '备注'] as const;

const aliases: Record<string, string> = {
  分类: '类别',
  类型: '类别',
  项目名称: '项目',
  细则: '项目',
  内容: '项目',
  积分: '分值',
  分数: '分值',
  每次分值: '分值',
  每月上限: '上限',
  月上限: '上限',
  是否需佐证: '需佐证',
  佐证: '需佐证',
  需要佐证: '需佐证',
  说明: '备注',
};

export interface RowError {
  field: string;
  message: string;
}

export interface CatalogueRow {
  row: number;
  heading: string;
  /** The heading's stored code when it exists; null when the import would create it. */
  headingCode: string | null;
  name: string;
  points: number | null;
  unit: string;
  monthlyCap: number | null;
  evidenceRequired: boolean;
  note: string | null;
  action: 'create' | 'update' | 'unchanged' | 'error';
  /** The area's own rule of that name, edited as its next version. */
  ruleId: number | null;
  errors: RowError[];
}

export interface CatalogueBasis {
  headings: HeadingRow[];
  own: RuleRow[];
  /** Active rules inherited from the areas above: listed in an export, left alone by an import. */
  inherited: Array<RuleRow & { areaName: string }>;
}

const forbidden = /[<>{}\\`$;]/;
const headingForbidden = /[<>{}\\`$;,，]/;
const yes = new Set(['是', '需要', '需', 'y', 'yes', '1', '√', '✓', 'true']);
const no = new Set(['', '否', '不需要', '不需', '无', 'n', 'no', '0', '×', 'false']);

function integer(text: string): number | null {
  const t = text.replace(/\s+/g, '').replace(/分$/, '');
  return /^[+-]?\d{1,6}$/.test(t) ? Number(t) : null;
}

export async function readCatalogue(ctx: Ctx, body: CatalogueImportBody): Promise<{ area: AreaRow; sheet: SheetRow[] }> {
  const area = await getAreaInScope(readDb(ctx.db), ctx.actor, body.areaId);
  if (area.kind === 'group') throw new Invalid('细则只能建在县、乡镇或村', undefined, 'invalid_area');
  const sheet = await readTable(body.file, { requiredHeader: ['项目', '项目名称', '细则'], aliases, sheetNames: ['积分细则'] });
  if (sheet.length > 2000) throw new Invalid('一次最多导入 2000 条细则', undefined, 'invalid');
  return { area, sheet };
}

export async function loadCatalogueBasis(db: Db, area: AreaRow): Promise<CatalogueBasis> {
  return {
    headings: await headingsOfAreas(db, ancestry(area.path), { includeInactive: false }),
    own: await rulesOfAreas(db, [area.id], { includeInactive: true }),
    inherited: await rulesOfAreas(db, ancestry(area.path).filter((id) => id !== area.id), { includeInactive: false }),
  };
}

/** A fingerprint of the basis: the import re-checks only when it changed since the check. */
export const basisKey = (b: CatalogueBasis) => JSON.stringify([b.headings.map((h) => [h.id, h.name, h.updatedAt]), b.own.map((r) => [r.id, r.version])]);

/** What importing each row would do, and why it cannot. Pure: the basis is read by the caller. */
export function checkCatalogue(area: AreaRow, basis: CatalogueBasis, sheet: readonly SheetRow[]): CatalogueRow[] {
  const order = [null, ...ancestry(area.path)];
  const deepestFirst = [...basis.headings].sort((a, b) => order.indexOf(b.areaId) - order.indexOf(a.areaId));
  const ownByName = new Map(basis.own.map((r) => [r.name, r]));
  const aboveByName = new Map(basis.inherited.map((r) => [r.name, r]));
  const seen = new Map<string, number>();
  return sheet.map((s): CatalogueRow => {
    const errors: RowError[] = [];
    const cell = (k: string) => (s.cells[k] ?? '').trim();
    for (const h of s.unreadable ?? []) errors.push({ field: h, message: '含有无法识别的字符' });
    const heading = cell('类别');
    const name = cell('项目');
    let headingCode: string | null = null;
    if (!heading) errors.push({ field: '类别', message: '请填写类别' });
    else if (heading.length > 30 || headingForbidden.test(heading)) errors.push({ field: '类别', message: '类别名称过长或含有不允许的字符' });
    else headingCode = (deepestFirst.find((h) => h.name === heading) ?? deepestFirst.find((h) => h.code === heading))?.code ?? null;
    if (!name) errors.push({ field: '项目', message: '请填写项目' });
    else if (name.length > 60 || forbidden.test(name)) errors.push({ field: '项目', message: '项目名称过长或含有不允许的字符' });
    else if (seen.has(name)) errors.push({ field: '项目', message: `与第 ${seen.get(name)} 行重复` });
    else seen.set(name, s.row);
    const points = integer(cell('分值'));
    if (points === null || points === 0 || Math.abs(points) > 1000) errors.push({ field: '分值', message: '分值应为 -1000 到 1000 之间的非零整数' });
    const unit = cell('单位') || '次';
    if (unit.length > 10 || forbidden.test(unit)) errors.push({ field: '单位', message: '单位最多 10 个字' });
    const capText = cell('上限');
    const monthlyCap = capText ? integer(capText) : null;
    if (capText && (monthlyCap === null || monthlyCap < 1 || monthlyCap > 1000)) errors.push({ field: '上限', message: '每月上限应为 1 到 1000 的整数，或留空' });
    const evidenceText = cell('需佐证').toLowerCase();
    const evidenceRequired = yes.has(evidenceText);
    if (!evidenceRequired && !no.has(evidenceText)) errors.push({ field: '需佐证', message: '请填“是”或“否”' });
    const note = cell('备注') || null;
    if (note && (note.length > 200 || /[<>{}\\`$]/.test(note))) errors.push({ field: '备注', message: '备注最多 200 字，且不能含 < > 等符号' });
    const existing = ownByName.get(name);
    const base = { row: s.row, heading, headingCode, name, points, unit, monthlyCap, evidenceRequired, note, ruleId: existing?.id ?? null, errors };
    if (errors.length) return { ...base, action: 'error' };
    const above = existing ? undefined : aboveByName.get(name);
    if (above) {
      // An exported file lists the inherited items too: unchanged they are skipped, changed they are refused.
      const sameAbove = above.category === headingCode && above.points === points && above.unit === unit && above.monthlyCap === monthlyCap && above.evidenceRequired === evidenceRequired && (above.note ?? null) === note;
      if (sameAbove) return { ...base, action: 'unchanged' };
      return { ...base, action: 'error', errors: [{ field: '项目', message: `「${name}」是${above.areaName}的细则，本级不能修改；请改名或由上级修改` }] };
    }
    if (!existing) return { ...base, action: 'create' };
    const same =
      existing.category === headingCode &&
      existing.points === points &&
      existing.unit === unit &&
      existing.monthlyCap === monthlyCap &&
      existing.evidenceRequired === evidenceRequired &&
      (existing.note ?? null) === note &&
      existing.active;
    return { ...base, action: same ? 'unchanged' : 'update' };
  });
}

/** Headings the rows name that the area does not have yet, in order of first appearance. */
export const newHeadingsOf = (rows: readonly CatalogueRow[]) => [...new Set(rows.filter((r) => r.action !== 'error' && !r.headingCode).map((r) => r.heading))];

export function summarise(rows: readonly CatalogueRow[]) {
  const count = (a: CatalogueRow['action']) => rows.filter((r) => r.action === a).length;
  return { total: rows.length, create: count('create'), update: count('update'), unchanged: count('unchanged'), error: count('error') };
}

export function catalogueErrors(rows: readonly CatalogueRow[]): Unprocessable {
  const bad = rows.filter((r) => r.errors.length);
  return new Unprocessable('import_has_errors', `有 ${bad.length} 行存在错误，请修改后重新上传`, { rows: bad.map((r) => ({ row: r.row, errors: r.errors })) });
}

export function unconfirmedHeadings(rows: readonly CatalogueRow[], names: readonly string[]): Unprocessable {
  const bad = rows.filter((r) => !r.headingCode && names.includes(r.heading));
  return new Unprocessable('import_has_errors', `还没有这些类别：${names.join('、')}。请在预览中确认新建后再导入`, {
    rows: bad.map((r) => ({ row: r.row, errors: [{ field: '类别', message: `没有「${r.heading}」，确认后将新建` }] })),
    newHeadings: names,
  });
}
