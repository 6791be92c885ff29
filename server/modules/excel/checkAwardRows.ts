import { and, eq, inArray } from 'drizzle-orm';
import { households, rules } from '../../../db/schema';
import type { Db, Tx } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { getVillageInScopeSync, type AreaRow } from '../../lib/scope';
import { capUsage } from '../awards/monthlyCap';
import { assertDayNotInFuture } from '../awards/proposeAward';
import { selectInChunks } from '../../../db/inChunks';
import { unreadableMessage, type RowError } from './checkHouseholdRows';
import { readTable, type SheetRow } from './readTable';
import { scoreAliases } from './labels';
import type { AwardImportBody } from './schemas';

export interface ScoreRow {
  row: number;
  household: string;
  householdId: number | null;
  rule: string;
  ruleId: number | null;
  quantity: number | null;
  points: number | null;
  action: 'propose' | 'skip' | 'error';
  errors: RowError[];
}

type RuleRow = typeof rules.$inferSelect;

/** Active rules a village may use: its own and those of the township and county above it. */
export function applicableRules(db: Db | Tx, village: AreaRow): RuleRow[] {
  const ancestors = village.path.split('/').filter(Boolean).map(Number);
  return db
    .select()
    .from(rules)
    .where(and(inArray(rules.areaId, ancestors), eq(rules.active, true)))
    .all();
}

export async function readScoreSheet(ctx: Ctx, body: AwardImportBody) {
  assertDayNotInFuture(ctx, body.occurredOn);
  const village = getVillageInScopeSync(ctx, body.villageId);
  const sheet = await readTable(body.file, { requiredHeader: ['户主姓名', '户编号', '门牌号'], aliases: scoreAliases, sheetNames: ['评分表'] });
  return { village, sheet };
}

/**
 * Resolves every score-sheet row to a household and a rule of the village and checks it as a
 * proposal would be checked (quantity, evidence, monthly cap including earlier rows of the sheet).
 * Rows with no quantity are households the cadre left blank: skipped, not errors.
 */
export function checkScoreSheet(db: Db | Tx, village: AreaRow, sheet: SheetRow[], occurredOn: string): ScoreRow[] {
  const all = db.select().from(households).where(eq(households.villageId, village.id)).all();
  const byId = new Map(all.map((h) => [h.id, h]));
  const byDoor = new Map(all.filter((h) => h.doorNo).map((h) => [h.doorNo!, h]));
  const byName = new Map<string, typeof all>();
  for (const h of all) byName.set(h.headName, [...(byName.get(h.headName) ?? []), h]);
  const ruleList = applicableRules(db, village);
  const ruleById = new Map(ruleList.map((r) => [r.id, r]));
  const rulesByName = new Map<string, RuleRow[]>();
  for (const r of ruleList) rulesByName.set(r.name, [...(rulesByName.get(r.name) ?? []), r]);

  const checked = sheet.map(({ row, cells, unreadable }) => {
    const errors: RowError[] = [];
    const quantityText = cells['数量'] ?? '';
    const householdLabel = [cells['户主姓名'], cells['门牌号']].filter(Boolean).join(' ') || (cells['户编号'] ? `#${cells['户编号']}` : '');
    const ruleLabel = cells['细则'] ?? (cells['细则编号'] ? `#${cells['细则编号']}` : '');
    if (unreadable?.length) {
      const unreadableErrors = unreadable.map((h) => ({ field: h, message: unreadableMessage(h) }));
      return { row, household: householdLabel, householdId: null, rule: ruleLabel, ruleId: null, quantity: null, points: null, action: 'error' as const, errors: unreadableErrors };
    }
    if (!quantityText || quantityText === '0') {
      return { row, household: householdLabel, householdId: null, rule: ruleLabel, ruleId: null, quantity: null, points: null, action: 'skip' as const, errors };
    }

    let household: (typeof all)[number] | null = null;
    if (cells['户编号']) {
      household = byId.get(Number(cells['户编号'])) ?? null;
      if (!household) errors.push({ field: '户编号', message: `本村没有编号为 ${cells['户编号']} 的农户` });
    } else if (cells['门牌号']) {
      household = byDoor.get(cells['门牌号']) ?? null;
      if (!household) errors.push({ field: '门牌号', message: `本村没有门牌号「${cells['门牌号']}」` });
    } else if (cells['户主姓名']) {
      const found = byName.get(cells['户主姓名']) ?? [];
      if (found.length === 1) household = found[0];
      else if (!found.length) errors.push({ field: '户主姓名', message: `本村没有户主「${cells['户主姓名']}」` });
      else errors.push({ field: '户主姓名', message: `本村有 ${found.length} 户户主叫「${cells['户主姓名']}」，请填写门牌号或户编号` });
    } else errors.push({ field: '户主姓名', message: '缺少户主姓名、门牌号或户编号' });
    if (household && cells['户主姓名'] && household.headName !== cells['户主姓名']) {
      errors.push({ field: '户主姓名', message: `户主姓名与登记的「${household.headName}」不符` });
      household = null;
    }
    if (household && household.status !== 'active') {
      errors.push({ field: '户主姓名', message: '该农户已注销' });
      household = null;
    }

    let rule: RuleRow | null = null;
    if (cells['细则编号']) {
      rule = ruleById.get(Number(cells['细则编号'])) ?? null;
      if (!rule) errors.push({ field: '细则编号', message: `细则编号 ${cells['细则编号']} 不存在、已停用或不适用于本村` });
    } else if (cells['细则']) {
      const found = rulesByName.get(cells['细则']) ?? [];
      if (found.length === 1) rule = found[0];
      else if (!found.length) errors.push({ field: '细则', message: `没有名为「${cells['细则']}」的细则（或已停用）` });
      else errors.push({ field: '细则', message: `有 ${found.length} 条细则都叫「${cells['细则']}」，请填写细则编号` });
    } else errors.push({ field: '细则', message: '缺少细则' });
    if (rule?.evidenceRequired) {
      errors.push({ field: '细则', message: `「${rule.name}」需要照片佐证，不能从表格导入，请逐户申报` });
      rule = null;
    }

    const quantity = /^\d+$/.test(quantityText) ? Number(quantityText) : NaN;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1000) errors.push({ field: '数量', message: `数量「${quantityText}」应为 1 到 1000 的整数` });
    const ok = !errors.length && household && rule;
    return {
      row,
      household: household ? `${household.headName}${household.doorNo ? ` ${household.doorNo}` : ''}` : householdLabel,
      householdId: household?.id ?? null,
      rule: rule?.name ?? ruleLabel,
      ruleId: rule?.id ?? null,
      quantity: Number.isInteger(quantity) ? quantity : null,
      points: ok ? rule!.points * quantity : null,
      action: ok ? ('propose' as const) : ('error' as const),
      errors,
    };
  });

  // One household once per rule and sheet, as in a batch proposal; a second row is a slip of the pen.
  const firstRow = new Map<string, number>();
  for (const r of checked) {
    if (r.action !== 'propose') continue;
    const key = `${r.householdId}:${r.ruleId}`;
    const first = firstRow.get(key);
    if (first) {
      r.errors.push({ field: '户主姓名', message: `该户在第 ${first} 行已有同一细则，请合并为一行并填写数量` });
      r.action = 'error';
      r.points = null;
    } else firstRow.set(key, r.row);
  }

  // Monthly caps count what is already proposed this month plus earlier rows of this sheet.
  const proposing = checked.filter((r) => r.action === 'propose');
  for (const ruleId of new Set(proposing.map((r) => r.ruleId!))) {
    const rule = ruleById.get(ruleId)!;
    if (rule.monthlyCap == null) continue;
    const rows = proposing.filter((r) => r.ruleId === ruleId);
    const used = new Map<number, number>();
    for (const [id, n] of selectInChunks([...new Set(rows.map((r) => r.householdId!))], (ids) => [...capUsage(db as Tx, ruleId, ids, occurredOn)])) used.set(id, n);
    for (const r of rows) {
      const before = used.get(r.householdId!) ?? 0;
      if (before + r.quantity! > rule.monthlyCap) {
        r.errors.push({ field: '数量', message: `「${rule.name}」每户每月最多 ${rule.monthlyCap}${rule.unit}，本月已申报 ${before}` });
        r.action = 'error';
        r.points = null;
      }
      used.set(r.householdId!, before + r.quantity!);
    }
  }
  return checked;
}

export function summariseScores(rows: ScoreRow[]) {
  const propose = rows.filter((r) => r.action === 'propose');
  return {
    total: rows.length,
    propose: propose.length,
    skip: rows.filter((r) => r.action === 'skip').length,
    error: rows.filter((r) => r.action === 'error').length,
    points: propose.reduce((s, r) => s + (r.points ?? 0), 0),
  };
}
