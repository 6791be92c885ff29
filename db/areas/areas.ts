import type { Db, SqliteDb } from '../client';
import type { HouseholdRow } from '../households/households';
import { asHousehold, householdColumns } from '../households/households';
import { selectInChunks } from '../inChunks';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

export type AreaKind = 'county' | 'township' | 'village' | 'group';
export type MaskMode = 'name' | 'door';
export type ExpiryMode = 'carry' | 'months' | 'year_end';

export interface AreaRow {
  id: number;
  name: string;
  kind: AreaKind;
  parentId: number | null;
  /** Materialised ancestry, "/county/township/village/". */
  path: string;
  noticeDays: number | null;
  maskMode: MaskMode | null;
  expiryMode: ExpiryMode | null;
  expiryMonths: number | null;
  starThresholds: string | null;
  pointValueFen: number | null;
  createdAt: number;
}

export interface NewArea {
  name: string;
  kind: AreaKind;
  parentId?: number | null;
  noticeDays?: number | null;
  maskMode?: MaskMode | null;
  expiryMode?: ExpiryMode | null;
  expiryMonths?: number | null;
  starThresholds?: string | null;
  pointValueFen?: number | null;
  createdAt?: number;
}

const AREA_COLUMNS = `id AS "id", name AS "name", kind AS "kind", parent_id AS "parentId", path AS "path", notice_days AS "noticeDays",
  mask_mode AS "maskMode", expiry_mode AS "expiryMode", expiry_months AS "expiryMonths", star_thresholds AS "starThresholds",
  point_value_fen AS "pointValueFen", created_at AS "createdAt"`;

const PARENT_PATH = 'SELECT path AS "path" FROM areas WHERE id = ?';
const INSERT_AREA = `INSERT INTO areas (name, kind, parent_id, path, notice_days, mask_mode, expiry_mode, expiry_months, star_thresholds, point_value_fen, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  RETURNING ${AREA_COLUMNS}`;
const SET_PATH = 'UPDATE areas SET path = ? WHERE id = ?';

const insertParams = (v: NewArea & { createdAt: number }, parentPath: string): SqlParam[] => [
  v.name,
  v.kind,
  v.parentId ?? null,
  parentPath,
  v.noticeDays ?? null,
  v.maskMode ?? null,
  v.expiryMode ?? null,
  v.expiryMonths ?? null,
  v.starThresholds ?? null,
  v.pointValueFen ?? null,
  v.createdAt,
];

const unknownParent = (id: number) => new Error(`unknown parent area ${id}`);

/**
 * Synchronous twin of `addArea` for seeds, tests and the bench (SQLite only): the same statements, run
 * on the connection directly.
 */
export function insertArea(tx: SqliteDb, values: NewArea & { createdAt: number }): AreaRow {
  let parentPath = '/';
  if (values.parentId != null) {
    const parent = tx.$client.prepare(PARENT_PATH).get(values.parentId) as { path: string } | undefined;
    if (!parent) throw unknownParent(values.parentId);
    parentPath = parent.path;
  }
  const row = tx.$client.prepare(INSERT_AREA).get(...insertParams(values, parentPath)) as AreaRow;
  const path = `${parentPath}${row.id}/`;
  tx.$client.prepare(SET_PATH).run(path, row.id);
  return { ...row, path };
}

/** Inserts an area inside `tx` and sets its materialised path ("/county/township/village/"). */
export async function addArea(tx: Tx, values: NewArea & { createdAt: number }): Promise<AreaRow> {
  const q = sqlOf(tx);
  let parentPath = '/';
  if (values.parentId != null) {
    const parent = await q.get<{ path: string }>(PARENT_PATH, [values.parentId]);
    if (!parent) throw unknownParent(values.parentId);
    parentPath = parent.path;
  }
  const row = await q.get<AreaRow>(INSERT_AREA, insertParams(values, parentPath));
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  const path = `${parentPath}${row.id}/`;
  await q.run(SET_PATH, [path, row.id]);
  return { ...row, path };
}

export async function areaById(db: Db, id: number): Promise<AreaRow | undefined> {
  return sqlOf(db).get<AreaRow>(`SELECT ${AREA_COLUMNS} FROM areas WHERE id = ?`, [id]);
}

/** Areas by id, in id order; ids that do not exist are simply absent. */
export async function areasByIds(db: Db, ids: readonly number[]): Promise<AreaRow[]> {
  if (!ids.length) return [];
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  // Parts follow the sorted ids, so the concatenation keeps the order.
  return selectInChunks(sorted, async (part) =>
    sqlOf(db).all<AreaRow>(`SELECT ${AREA_COLUMNS} FROM areas WHERE id IN (${part.map(() => '?').join(', ')}) ORDER BY id`, part),
  );
}

export interface AreaListItem {
  id: number;
  name: string;
  kind: AreaKind;
  parentId: number | null;
  path: string;
}

/** The area at a materialised path and everything below it, in path order. */
export async function areasUnder(db: Db, path: string): Promise<AreaListItem[]> {
  return sqlOf(db).all<AreaListItem>(
    'SELECT id AS "id", name AS "name", kind AS "kind", parent_id AS "parentId", path AS "path" FROM areas WHERE path LIKE ? ORDER BY path',
    [`${path}%`],
  );
}

/** Village and township areas (the places a store can be), with their paths, in id order. */
export async function storeAreas(db: Db): Promise<{ id: number; path: string }[]> {
  return sqlOf(db).all("SELECT id AS \"id\", path AS \"path\" FROM areas WHERE kind IN ('village', 'township') ORDER BY id");
}

/** An area's own settings; null means "inherit from the parent". */
export interface AreaOwnSettings {
  noticeDays?: number | null;
  maskMode?: MaskMode | null;
  expiryMode?: ExpiryMode | null;
  expiryMonths?: number | null;
  /** JSON array of five thresholds. */
  starThresholds?: string | null;
  pointValueFen?: number | null;
}

const settingColumns: Record<keyof AreaOwnSettings, string> = {
  noticeDays: 'notice_days',
  maskMode: 'mask_mode',
  expiryMode: 'expiry_mode',
  expiryMonths: 'expiry_months',
  starThresholds: 'star_thresholds',
  pointValueFen: 'point_value_fen',
};

/** Writes the given settings of one area (the others stay as they are). */
export async function setAreaSettings(tx: Tx, areaId: number, patch: AreaOwnSettings): Promise<void> {
  const sets: string[] = [];
  const params: SqlParam[] = [];
  // Column names come from the fixed map, never from the object's keys; an undefined setting stays as it is.
  for (const [field, column] of Object.entries(settingColumns) as [keyof AreaOwnSettings, string][]) {
    const value = patch[field];
    if (value === undefined) continue;
    sets.push(`${column} = ?`);
    params.push(value);
  }
  if (!sets.length) return;
  await sqlOf(tx).run(`UPDATE areas SET ${sets.join(', ')} WHERE id = ?`, [...params, areaId]);
}

/** A household with its village's materialised path, the input of every household scope check (never with its pseudonym seed). */
export async function householdWithVillagePath(db: Db, id: number): Promise<(HouseholdRow & { villagePath: string }) | undefined> {
  const row = await sqlOf(db).get<HouseholdRow & { villagePath: string }>(
    `SELECT ${householdColumns('h.')}, a.path AS "villagePath" FROM households h JOIN areas a ON a.id = h.village_id WHERE h.id = ?`,
    [id],
  );
  return row && asHousehold(row);
}

/** Ids of the villages at or below a materialised path, in id order. */
export async function villageIdsUnder(db: Db, path: string): Promise<number[]> {
  return (await sqlOf(db).all<{ id: number }>("SELECT id AS \"id\" FROM areas WHERE kind = 'village' AND path LIKE ? ORDER BY id", [`${path}%`])).map((r) => r.id);
}

/** The groups (村民小组) of a village, by id. */
export async function groupsOfVillageByName(db: Db, villageId: number): Promise<{ id: number; name: string }[]> {
  return sqlOf(db).all("SELECT id AS \"id\", name AS \"name\" FROM areas WHERE parent_id = ? AND kind = 'group' ORDER BY id", [villageId]);
}

/** Renames an area; its place (path) never changes. */
export async function renameArea(tx: Tx, id: number, name: string): Promise<void> {
  await sqlOf(tx).run('UPDATE areas SET name = ? WHERE id = ?', [name, id]);
}
