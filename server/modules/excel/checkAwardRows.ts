import type { AreaRow } from '../../../db/areas';
import { monthlyCapUsage } from '../../../db/awards/caps';
import { proposalHouseholds } from '../../../db/awards/proposals';
import { readDb, type Db } from '../../../db/client';
import { householdsOfVillage } from '../../../db/excel/roster';
import { rulesOfAreas, type RuleRow } from '../../../db/rules';
import type { Tx } from '../../../db/transaction';
import type { Ctx } from '../../lib/context';
import { Unprocessable } from '../../lib/errors';
import { getVillageInScope } from '../../lib/scope';
import { assertDayNotInFuture } from '../awards/proposeAward';
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

/** Active rules a village may use: its own and those of the township and county above it. */
export async function applicableRules(db: Db, village: Pick<AreaRow, 'path'>): Promise<RuleRow[]> {
  const ancestors = village.path.split('/').filter(Boolean).map(Number);
  return rulesOfAreas(db, ancestors, { includeInactive: false });
}

export async function readScoreSheet(ctx: Ctx, body: AwardImportBody) {
  assertDayNotInFuture(ctx, body.occurredOn);
  const village = await getVillageInScope(readDb(ctx.db), ctx.actor, body.villageId);
  const sheet = await readTable(body.file, { requiredHeader: ['户主姓名', '户编号', '门牌号'], aliases: scoreAliases, sheetNames: ['评分表'] });
  return { village, sheet };
}

/**
 * Resolves every score-sheet row to a household and a rule of the village and checks it as a
 * proposal would be checked (quantity, evidence, monthly cap including earlier rows of the sheet).
 * Rows with no quantity are households the cadre left blank: skipped, not errors.
 */
export async function checkScoreSheet(db: Db, village: AreaRow, sheet: SheetRow[], occurredOn: string): Promise<ScoreRow[]> {
  const all = await householdsOfVillage(db, village.id);
  const byId = new Map(all.map((h) => [h.id, h]));
  const byDoor = new Map(all.filter((h) => h.doorNo).map((h) => [h.doorNo!, h]));
  const byName = new Map<string, typeof all>();
  for (const h of all) byName.set(h.headName, [...(byName.get(h.headName) ?? []), h]);
  const ruleList = await applicableRules(db, village);
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
    const used = await monthlyCapUsage(db, ruleId, [...new Set(rows.map((r) => r.householdId!))], occurredOn);
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

/** The refusal of a sheet with bad rows: every bad row with its errors. */
export function scoreSheetErrors(rows: readonly ScoreRow[]): Unprocessable {
  const bad = rows.filter((r) => r.errors.length);
  return new Unprocessable('import_has_errors', `有 ${bad.length} 行存在错误，请修改后重新上传`, { rows: bad.map((r) => ({ row: r.row, errors: r.errors })) });
}

/**
 * Inside the import's transaction, after `lockVillageChain`: re-checks what the checked rows rely on
 * and another request may have changed since (household archived or moved, rule stopped or changed to
 * need evidence, monthly cap used up meanwhile). Returns the rules, as they are now, by id.
 */
export async function confirmScoreRows(tx: Tx, village: AreaRow, proposing: readonly ScoreRow[], occurredOn: string): Promise<Map<number, RuleRow>> {
  const households = new Map((await proposalHouseholds(tx, proposing.map((r) => r.householdId!))).map((h) => [h.id, h]));
  const rules = new Map((await applicableRules(tx, village)).map((r) => [r.id, r]));
  const bad: ScoreRow[] = [];
  const refuse = (r: ScoreRow, field: string, message: string) => {
    bad.push({ ...r, action: 'error', points: null, errors: [{ field, message }] });
  };
  const fine: ScoreRow[] = [];
  for (const r of proposing) {
    const h = households.get(r.householdId!);
    const rule = rules.get(r.ruleId!);
    if (!h || h.villageId !== village.id) refuse(r, '户主姓名', `本村没有编号为 ${r.householdId} 的农户`);
    else if (h.status !== 'active') refuse(r, '户主姓名', '该农户已注销');
    else if (!rule) refuse(r, '细则编号', `细则编号 ${r.ruleId} 不存在、已停用或不适用于本村`);
    else if (rule.evidenceRequired) refuse(r, '细则', `「${rule.name}」需要照片佐证，不能从表格导入，请逐户申报`);
    else fine.push(r);
  }
  for (const ruleId of new Set(fine.map((r) => r.ruleId!))) {
    const rule = rules.get(ruleId)!;
    if (rule.monthlyCap == null) continue;
    const rows = fine.filter((r) => r.ruleId === ruleId);
    // A sheet names a household once per rule (checked before), so each row adds to what is stored.
    const used = await monthlyCapUsage(tx, ruleId, rows.map((r) => r.householdId!), occurredOn);
    for (const r of rows) {
      const before = used.get(r.householdId!) ?? 0;
      if (before + r.quantity! > rule.monthlyCap) refuse(r, '数量', `「${rule.name}」每户每月最多 ${rule.monthlyCap}${rule.unit}，本月已申报 ${before}`);
    }
  }
  if (bad.length) throw scoreSheetErrors(bad.sort((a, b) => a.row - b.row));
  return rules;
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
