import type { AreaKind } from '../areas/areas';
import type { Db, SqliteDb } from '../client';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

// The template's codes are the schema's own; re-exported so nothing above db/ imports the schema.
export { ruleCategories, type RuleCategory } from '../schema/rules';

export interface RuleRow {
  id: number;
  areaId: number;
  /** A template code or the code of an area's own heading (`h<id>`). */
  category: string;
  name: string;
  points: number;
  unit: string;
  monthlyCap: number | null;
  evidenceRequired: boolean;
  blackList: boolean;
  note: string | null;
  active: boolean;
  version: number;
  currentVersionId: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface RuleVersionRow {
  id: number;
  ruleId: number;
  version: number;
  category: string;
  name: string;
  points: number;
  unit: string;
  monthlyCap: number | null;
  evidenceRequired: boolean;
  blackList: boolean;
  note: string | null;
  createdBy: number | null;
  createdAt: number;
}

/** A new rule; fields left out take the table's defaults (unit 次, no evidence, not black-list, active). */
export type NewRule = Pick<RuleRow, 'areaId' | 'category' | 'name' | 'points' | 'createdAt' | 'updatedAt'> &
  Partial<Pick<RuleRow, 'unit' | 'monthlyCap' | 'evidenceRequired' | 'blackList' | 'note' | 'active'>>;
/** The fields an edit may change; anything else stays. */
export type RulePatch = Partial<Pick<RuleRow, 'category' | 'name' | 'points' | 'unit' | 'monthlyCap' | 'evidenceRequired' | 'blackList' | 'note' | 'active'>>;

const ruleColumns = (t: string) =>
  `${t}id AS "id", ${t}area_id AS "areaId", ${t}category AS "category", ${t}name AS "name", ${t}points AS "points", ${t}unit AS "unit",
   ${t}monthly_cap AS "monthlyCap", ${t}evidence_required AS "evidenceRequired", ${t}black_list AS "blackList", ${t}note AS "note",
   ${t}active AS "active", ${t}version AS "version", ${t}current_version_id AS "currentVersionId", ${t}created_at AS "createdAt",
   ${t}updated_at AS "updatedAt"`;

// SQLite answers flags as 0/1.
const asRule = <T extends RuleRow>(r: T): T => ({ ...r, evidenceRequired: Boolean(r.evidenceRequired), blackList: Boolean(r.blackList), active: Boolean(r.active) });
const asVersion = (v: RuleVersionRow): RuleVersionRow => ({ ...v, evidenceRequired: Boolean(v.evidenceRequired), blackList: Boolean(v.blackList) });

const fieldColumns: Record<keyof RulePatch, string> = {
  category: 'category',
  name: 'name',
  points: 'points',
  unit: 'unit',
  monthlyCap: 'monthly_cap',
  evidenceRequired: 'evidence_required',
  blackList: 'black_list',
  note: 'note',
  active: 'active',
};

/** The given fields as columns and values; names come from the fixed map, never from the object's keys. */
function given(fields: RulePatch): { columns: string[]; params: SqlParam[] } {
  const columns: string[] = [];
  const params: SqlParam[] = [];
  for (const [field, column] of Object.entries(fieldColumns) as [keyof RulePatch, string][]) {
    const value = fields[field];
    if (value === undefined) continue;
    columns.push(column);
    params.push(value);
  }
  return { columns, params };
}

function insertRuleStatement(values: NewRule): { text: string; params: SqlParam[] } {
  const fields = given({ unit: values.unit, monthlyCap: values.monthlyCap, evidenceRequired: values.evidenceRequired, blackList: values.blackList, note: values.note, active: values.active });
  const columns = ['area_id', 'category', 'name', 'points', 'version', 'created_at', 'updated_at', ...fields.columns];
  return {
    text: `INSERT INTO rules (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) RETURNING ${ruleColumns('')}`,
    params: [values.areaId, values.category, values.name, values.points, 1, values.createdAt, values.updatedAt, ...fields.params],
  };
}

const INSERT_VERSION = `INSERT INTO rule_versions (rule_id, version, category, name, points, unit, monthly_cap, evidence_required, black_list, note, created_by, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  RETURNING id AS "id", rule_id AS "ruleId", version AS "version", category AS "category", name AS "name", points AS "points", unit AS "unit",
    monthly_cap AS "monthlyCap", evidence_required AS "evidenceRequired", black_list AS "blackList", note AS "note", created_by AS "createdBy",
    created_at AS "createdAt"`;
const versionParams = (rule: RuleRow, createdBy: number | null, at: number): SqlParam[] => [
  rule.id,
  rule.version,
  rule.category,
  rule.name,
  rule.points,
  rule.unit,
  rule.monthlyCap,
  rule.evidenceRequired,
  rule.blackList,
  rule.note,
  createdBy,
  at,
];
const POINT_AT_VERSION = 'UPDATE rules SET current_version_id = ? WHERE id = ?';

/** Snapshots a rule's current fields as its next version and points the rule at it; inside the caller's transaction. */
export async function recordRuleVersion(tx: Tx, rule: RuleRow, createdBy: number | null, at: number): Promise<RuleVersionRow> {
  const q = sqlOf(tx);
  const version = await q.get<RuleVersionRow>(INSERT_VERSION, versionParams(rule, createdBy, at));
  if (!version) throw new Error('INSERT … RETURNING gave no row');
  await q.run(POINT_AT_VERSION, [version.id, rule.id]);
  return asVersion(version);
}

// better-sqlite3 cannot bind booleans.
const sqliteBound = (params: SqlParam[]) => params.map((p) => (typeof p === 'boolean' ? Number(p) : p));

/** Synchronous twin of `addRule` for seeds and tests (SQLite only): the same statements, run on the connection directly. */
export function insertRule(tx: SqliteDb, values: NewRule, createdBy: number | null): RuleRow & { currentVersionId: number } {
  const insert = insertRuleStatement(values);
  const rule = asRule(tx.$client.prepare(insert.text).get(...sqliteBound(insert.params)) as RuleRow);
  const version = tx.$client.prepare(INSERT_VERSION).get(...sqliteBound(versionParams(rule, createdBy, rule.createdAt))) as RuleVersionRow;
  tx.$client.prepare(POINT_AT_VERSION).run(version.id, rule.id);
  return { ...rule, currentVersionId: version.id };
}

/** Store function: a new rule with its first version, inside `tx`. */
export async function addRule(tx: Tx, values: NewRule, createdBy: number | null): Promise<RuleRow & { currentVersionId: number }> {
  const insert = insertRuleStatement(values);
  const row = await sqlOf(tx).get<RuleRow>(insert.text, insert.params);
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  const rule = asRule(row);
  const version = await recordRuleVersion(tx, rule, createdBy, rule.createdAt);
  return { ...rule, currentVersionId: version.id };
}

/**
 * Applies an edit to `before` (read in the same transaction) as the rule's next version: bumps the
 * version, snapshots it, points the rule at it. Returns the rule as it now is.
 */
export async function reviseRule(tx: Tx, before: RuleRow, patch: RulePatch, createdBy: number, at: number): Promise<RuleRow & { currentVersionId: number }> {
  const { columns, params } = given(patch);
  const sets = [...columns.map((c) => `${c} = ?`), 'version = ?', 'updated_at = ?'];
  const row = await sqlOf(tx).get<RuleRow>(`UPDATE rules SET ${sets.join(', ')} WHERE id = ? RETURNING ${ruleColumns('')}`, [
    ...params,
    before.version + 1,
    at,
    before.id,
  ]);
  if (!row) throw new Error(`reviseRule: no rule ${before.id}`);
  const updated = asRule(row);
  const version = await recordRuleVersion(tx, updated, createdBy, at);
  return { ...updated, currentVersionId: version.id };
}

export async function ruleById(db: Db, id: number): Promise<RuleRow | undefined> {
  const row = await sqlOf(db).get<RuleRow>(`SELECT ${ruleColumns('')} FROM rules WHERE id = ?`, [id]);
  return row && asRule(row);
}

/** A rule with the materialised path of the area that owns it (the input of the scope check). */
export async function ruleWithAreaPath(db: Db, id: number): Promise<(RuleRow & { areaPath: string }) | undefined> {
  const row = await sqlOf(db).get<RuleRow & { areaPath: string }>(
    `SELECT ${ruleColumns('r.')}, a.path AS "areaPath" FROM rules r JOIN areas a ON a.id = r.area_id WHERE r.id = ?`,
    [id],
  );
  return row && asRule(row);
}

export type RuleOfArea = RuleRow & { areaName: string; areaKind: AreaKind };

/** Rules owned by any of the given areas, with the owner's name and kind; by category, points, id. */
export async function rulesOfAreas(db: Db, areaIds: readonly number[], opts: { includeInactive: boolean }): Promise<RuleOfArea[]> {
  if (!areaIds.length) return [];
  const rows = await sqlOf(db).all<RuleOfArea>(
    `SELECT ${ruleColumns('r.')}, a.name AS "areaName", a.kind AS "areaKind"
       FROM rules r JOIN areas a ON a.id = r.area_id
      WHERE r.area_id IN (${areaIds.map(() => '?').join(', ')})${opts.includeInactive ? '' : ' AND r.active'}
      ORDER BY r.category, r.points, r.id`,
    [...areaIds],
  );
  return rows.map(asRule);
}
