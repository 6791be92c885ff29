import type { AreaRow } from '../../../db/areas';
import { readDb, type Db } from '../../../db/client';
import { groupsOfVillage, householdsOfVillage, idNumberHolders, membersOfHouseholds, type HouseholdCategory, type HouseholdRow } from '../../../db/excel/roster';
import type { Ctx } from '../../lib/context';
import { Unprocessable } from '../../lib/errors';
import { householdCategoryLabels as categoryLabels } from '../../lib/labels';
import { getVillageInScope } from '../../lib/scope';
import { DoorNo, ID_NUMBER_UNAVAILABLE, IdNumber, PersonName, Phone } from '../households/schemas';
import { relationWords, rosterAliases, type Relation } from './labels';
import { readTable, type SheetRow } from './readTable';
import type { HouseholdImportBody } from './schemas';

export interface RowError {
  field: string;
  message: string;
}

export interface RosterMember {
  name: string;
  relation: Relation;
}

export interface RosterRow {
  row: number;
  /** The cells as written in the file, for the preview. */
  cells: Record<string, string>;
  headName: string;
  doorNo: string | null;
  groupName: string | null;
  groupId: number | null;
  category: HouseholdCategory;
  phone: string | null;
  idNumber: string | null;
  members: RosterMember[];
  action: 'create' | 'update' | 'unchanged' | 'error';
  householdId: number | null;
  errors: RowError[];
}

/** A cell holding text that is not valid Unicode (a lone surrogate, a non-character): never stored. */
export function unreadableMessage(header: string): string {
  return `${header}含有无法识别的字符（可能是乱码），请重新输入`;
}

const categoryByLabel = new Map<string, HouseholdCategory>(Object.entries(categoryLabels).map(([k, v]) => [v, k as HouseholdCategory]));

function firstIssue(result: { success: boolean; error?: { issues: { message: string }[] } }): string {
  return result.error?.issues[0]?.message ?? '格式不正确';
}

/** "李秀英(配偶);张伟(子女)" → members; full-width brackets and separators are accepted too. */
export function parseMembers(text: string, errors: RowError[]): RosterMember[] {
  const members: RosterMember[] = [];
  for (const part of text.split(/[;；,，、\n]+/).map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^()（）]+?)\s*(?:[（(]\s*([^()（）]*?)\s*[)）])?$/.exec(part);
    const name = m?.[1]?.trim() ?? '';
    const parsed = PersonName.safeParse(name);
    if (!m || !parsed.success) {
      errors.push({ field: '家庭成员', message: `成员「${part}」格式不正确，应写成 姓名(关系)` });
      continue;
    }
    const word = m[2] ?? '';
    const relation = word ? relationWords[word] : 'other';
    if (!relation) {
      errors.push({ field: '家庭成员', message: `成员「${part}」的关系「${word}」无法识别（可写 配偶、子女、父母、孙子女、兄弟姐妹、其他）` });
      continue;
    }
    members.push({ name: parsed.data, relation });
  }
  return members;
}

type Existing = HouseholdRow & { memberNames: string[] };

/**
 * Reads and validates a roster upload against the village without writing anything: the preview shows
 * exactly this, and the import runs it again on the same bytes inside its transaction.
 */
export async function readRoster(ctx: Ctx, body: HouseholdImportBody) {
  const village = await getVillageInScope(readDb(ctx.db), ctx.actor, body.villageId);
  const sheet = await readTable(body.file, { requiredHeader: ['户主姓名', '户主'], aliases: rosterAliases, sheetNames: ['农户名单'] });
  return { village, sheet };
}

/** What a roster check reads from the database: the village's groups and households, and who else holds the file's ID numbers. */
export interface RosterBasis {
  groups: { id: number; name: string }[];
  existing: Existing[];
  /**
   * ID numbers already held by a household of another village. Which village is not kept: a cadre
   * must not learn where someone outside the village is registered.
   */
  elsewhere: string[];
}

export async function loadRosterBasis(db: Db, village: AreaRow, sheet: readonly SheetRow[]): Promise<RosterBasis> {
  const groups = await groupsOfVillage(db, village.id);
  const existingRows = await householdsOfVillage(db, village.id);
  const memberNames = new Map<number, string[]>();
  for (const m of await membersOfHouseholds(db, existingRows.map((h) => h.id))) {
    const list = memberNames.get(m.householdId);
    if (list) list.push(m.name);
    else memberNames.set(m.householdId, [m.name]);
  }
  const existing: Existing[] = existingRows.map((h) => ({ ...h, memberNames: memberNames.get(h.id) ?? [] }));
  const idsInFile = [...new Set(sheet.map((r) => r.cells['身份证号']?.toUpperCase()).filter((v): v is string => !!v))];
  const elsewhere = [...new Set((await idNumberHolders(db, idsInFile)).filter((h) => h.villageId !== village.id).map((h) => h.idNumber))].sort();
  return { groups, existing, elsewhere };
}

/** The parts of a basis a roster check depends on (not balances, not timestamps), to see whether it changed. */
export function basisKey(b: RosterBasis): string {
  const households = b.existing.map((h) => [h.id, h.headName, h.doorNo, h.groupId, h.category, h.phone, h.idNumber, h.status, h.memberNames]);
  return JSON.stringify([b.groups, households, b.elsewhere]);
}

function* rosterSteps(basis: RosterBasis, sheet: SheetRow[]): Generator<void, RosterRow[]> {
  const { groups, existing } = basis;
  const groupByName = new Map(groups.map((g) => [g.name, g.id]));
  const byId = new Map(existing.filter((h) => h.idNumber).map((h) => [h.idNumber!, h]));
  const byDoor = new Map(existing.filter((h) => h.doorNo).map((h) => [h.doorNo!, h]));
  const elsewhere = new Set(basis.elsewhere);

  const seenIds = new Map<string, number>();
  const seenDoors = new Map<string, number>();
  const matched = new Map<number, number>();
  const checkRow = ({ row, cells, unreadable }: SheetRow): RosterRow => {
    const errors: RowError[] = (unreadable ?? []).map((h) => ({ field: h, message: unreadableMessage(h) }));
    const field = <T>(name: string, schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: { issues: { message: string }[] } } }): T | null => {
      const raw = cells[name];
      if (!raw) return null;
      const r = schema.safeParse(raw);
      if (!r.success) {
        errors.push({ field: name, message: `${name}「${raw}」：${firstIssue(r)}` });
        return null;
      }
      return r.data as T;
    };
    const headNameRaw = cells['户主姓名'];
    if (!headNameRaw && !unreadable?.includes('户主姓名')) errors.push({ field: '户主姓名', message: '缺少户主姓名' });
    const headName = headNameRaw ? field<string>('户主姓名', PersonName) : null;
    let doorNo = field<string>('门牌号', DoorNo);
    let phone = field<string>('手机号', Phone);
    let idNumber = field<string>('身份证号', IdNumber);
    if (cells['身份证号'] && /E\+/i.test(cells['身份证号'])) {
      errors.splice(errors.length - 1, 1, { field: '身份证号', message: '身份证号被 Excel 当成了数字，请把该列设为「文本」格式后重新填写' });
    }
    const groupName = cells['村民小组'] ?? null;
    let groupId: number | null = null;
    if (groupName) {
      groupId = groupByName.get(groupName) ?? null;
      // A group the village lacks is made by the import once the cadre confirms it (see newGroupsOf).
      if (groupId === null && groupName.length > 30) errors.push({ field: '村民小组', message: `小组名称「${groupName}」过长，最多 30 个字` });
    }
    let category: HouseholdCategory = 'general';
    if (cells['类别']) {
      const c = categoryByLabel.get(cells['类别']);
      if (c) category = c;
      else errors.push({ field: '类别', message: `类别「${cells['类别']}」无法识别，可选：${Object.values(categoryLabels).join('、')}` });
    }
    const members = cells['家庭成员'] ? parseMembers(cells['家庭成员'], errors) : [];

    if (idNumber) {
      const first = seenIds.get(idNumber);
      if (first) errors.push({ field: '身份证号', message: `身份证号与第 ${first} 行重复` });
      else seenIds.set(idNumber, row);
      if (elsewhere.has(idNumber)) errors.push({ field: '身份证号', message: ID_NUMBER_UNAVAILABLE });
    }
    if (doorNo) {
      const first = seenDoors.get(doorNo);
      if (first) errors.push({ field: '门牌号', message: `门牌号与第 ${first} 行重复` });
      else seenDoors.set(doorNo, row);
    }

    // Match an existing household: by ID number first, else by door number.
    let target: Existing | null = idNumber ? (byId.get(idNumber) ?? null) : null;
    if (target && doorNo && byDoor.get(doorNo) && byDoor.get(doorNo)!.id !== target.id) {
      errors.push({ field: '门牌号', message: `门牌号「${doorNo}」已属于另一户（${byDoor.get(doorNo)!.headName}）` });
    }
    if (!target && doorNo) {
      const d = byDoor.get(doorNo) ?? null;
      if (d && d.idNumber && idNumber && d.idNumber !== idNumber) {
        errors.push({ field: '身份证号', message: `门牌号「${doorNo}」已登记的户主身份证号不同，请核对（${d.headName}）` });
      } else target = d;
    }
    if (target) {
      const first = matched.get(target.id);
      if (first) errors.push({ field: '户主姓名', message: `与第 ${first} 行是同一户` });
      else matched.set(target.id, row);
    }

    let action: RosterRow['action'] = 'create';
    if (errors.length) action = 'error';
    else if (target) {
      // A blank cell keeps what is registered: a sheet without phones must not erase them.
      doorNo ??= target.doorNo;
      phone ??= target.phone;
      idNumber ??= target.idNumber;
      if (!cells['村民小组']) groupId = target.groupId;
      if (!cells['类别']) category = target.category;
      const same =
        target.headName === headName &&
        (target.doorNo ?? null) === doorNo &&
        target.groupId === groupId &&
        target.category === category &&
        (target.phone ?? null) === phone &&
        (target.idNumber ?? null) === idNumber &&
        members.every((m) => target!.memberNames.includes(m.name));
      action = same ? 'unchanged' : 'update';
    }
    return { row, cells, headName: headName ?? headNameRaw ?? '', doorNo, groupName, groupId, category, phone, idNumber, members, action, householdId: target?.id ?? null, errors };
  };
  const out: RosterRow[] = [];
  for (const line of sheet) {
    if (out.length % 1000 === 999) yield;
    out.push(checkRow(line));
  }
  return out;
}

/** Every row checked against a basis already read, in one go (the re-check inside the import's transaction). */
export function checkRosterNow(basis: RosterBasis, sheet: SheetRow[]): RosterRow[] {
  const steps = rosterSteps(basis, sheet);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Reads the basis and checks every row, letting other requests run every thousand rows: a 20,000-row
 * roster would otherwise hold the event loop for a few hundred milliseconds.
 */
export async function checkRoster(db: Db, village: AreaRow, sheet: SheetRow[]): Promise<{ rows: RosterRow[]; basis: RosterBasis }> {
  const basis = await loadRosterBasis(db, village, sheet);
  const steps = rosterSteps(basis, sheet);
  for (;;) {
    const r = steps.next();
    if (r.done) return { rows: r.value, basis };
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Group names the roster uses that the village does not have yet, in order of first use: made on import when confirmed. */
export function newGroupsOf(rows: readonly RosterRow[]): string[] {
  // Rows with other errors count too: the preview names every group the file would make once it is fixed.
  return [...new Set(rows.filter((r) => r.groupName && r.groupId === null && !r.errors.some((e) => e.field === '村民小组')).map((r) => r.groupName!))];
}

/** The refusal of a roster naming groups the village lacks, when the cadre has not confirmed making them. */
export function unconfirmedGroups(rows: readonly RosterRow[], names: readonly string[]): Unprocessable {
  const bad = rows.filter((r) => r.groupName && names.includes(r.groupName));
  return new Unprocessable('import_has_errors', `本村还没有这些村民小组：${names.join('、')}。请在预览中确认新建后再导入`, {
    rows: bad.map((r) => ({ row: r.row, errors: [{ field: '村民小组', message: `本村没有「${r.groupName}」，确认后将新建` }] })),
    newGroups: names,
  });
}

/** The refusal of a roster with bad rows: every bad row with its errors. */
export function rosterErrors(rows: readonly RosterRow[]): Unprocessable {
  const bad = rows.filter((r) => r.errors.length);
  return new Unprocessable('import_has_errors', `有 ${bad.length} 行存在错误，请修改后重新上传`, { rows: bad.map((r) => ({ row: r.row, errors: r.errors })) });
}

export function summarise(rows: RosterRow[]) {
  const count = (a: RosterRow['action']) => rows.filter((r) => r.action === a).length;
  return { total: rows.length, create: count('create'), update: count('update'), unchanged: count('unchanged'), error: count('error') };
}

