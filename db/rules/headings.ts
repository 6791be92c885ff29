import { randomUUID } from 'node:crypto';
import type { Db, SqliteDb } from '../client';
import { lockName } from '../pg/locks';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

export interface HeadingRow {
  id: number;
  /** Null for the built-in county template. */
  areaId: number | null;
  /** What rules and ledger rows store: a template code, or `h<id>`. */
  code: string;
  name: string;
  sortOrder: number;
  starDimension: string | null;
  blackList: boolean;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}
export type NewHeading = Pick<HeadingRow, 'areaId' | 'name' | 'sortOrder' | 'starDimension' | 'blackList'>;
export type HeadingPatch = Partial<Pick<HeadingRow, 'name' | 'sortOrder' | 'starDimension' | 'blackList' | 'active'>>;

/** The heading columns (`t` is the table's alias with its dot, or ''). */
export const headingColumns = (t: string): string =>
  `${t}id AS "id", ${t}area_id AS "areaId", ${t}code AS "code", ${t}name AS "name", ${t}sort_order AS "sortOrder",
   ${t}star_dimension AS "starDimension", ${t}black_list AS "blackList", ${t}active AS "active", ${t}created_at AS "createdAt",
   ${t}updated_at AS "updatedAt"`;

/** A row read with `headingColumns`: SQLite answers its flags as 0/1. */
export const asHeading = <T extends HeadingRow>(h: T): T => ({ ...h, blackList: Boolean(h.blackList), active: Boolean(h.active) });

/**
 * The headings in force in an area: the county template (no area) and those of the given areas (the
 * area's ancestry), in display order. Inactive ones only when asked: old rules and ledger rows still
 * name them.
 */
export async function headingsOfAreas(db: Db, areaIds: readonly number[], opts: { includeInactive: boolean } = { includeInactive: true }): Promise<HeadingRow[]> {
  const owners = areaIds.length ? `(area_id IS NULL OR area_id IN (${areaIds.map(() => '?').join(', ')}))` : 'area_id IS NULL';
  const rows = await sqlOf(db).all<HeadingRow>(
    `SELECT ${headingColumns('')} FROM rule_headings WHERE ${owners}${opts.includeInactive ? '' : ' AND active'} ORDER BY sort_order, id`,
    [...areaIds],
  );
  return rows.map(asHeading);
}

export async function headingById(db: Db, id: number): Promise<HeadingRow | undefined> {
  const row = await sqlOf(db).get<HeadingRow>(`SELECT ${headingColumns('')} FROM rule_headings WHERE id = ?`, [id]);
  return row && asHeading(row);
}

/** Every heading by code, for labelling rows of many areas at once (exports, the ledger). */
export async function headingsByCode(db: Db, codes: readonly string[]): Promise<Map<string, HeadingRow>> {
  const unique = [...new Set(codes)];
  if (!unique.length) return new Map();
  const rows = await sqlOf(db).all<HeadingRow>(`SELECT ${headingColumns('')} FROM rule_headings WHERE code IN (${unique.map(() => '?').join(', ')})`, unique);
  return new Map(rows.map((r) => [r.code, asHeading(r)]));
}

// The code is `h<id>`, and the id is known only once the row is in (PostgreSQL's identity may skip
// numbers), so the row goes in under a code no other can hold and gets its own in the same transaction.
const INSERT_HEADING = `INSERT INTO rule_headings (area_id, code, name, sort_order, star_dimension, black_list, active, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?) RETURNING id AS "id"`;
const SET_CODE = `UPDATE rule_headings SET code = ? WHERE id = ? RETURNING ${headingColumns('')}`;
const insertParams = (v: NewHeading, at: number): SqlParam[] => [v.areaId, `pending:${randomUUID()}`, v.name, v.sortOrder, v.starDimension, v.blackList, at, at];

/**
 * Before reading the names in force to add or rename a heading: one such transaction at a time per county, so
 * twenty parallel creations of one name make one heading on PostgreSQL too (READ COMMITTED would let each see none).
 */
export async function lockHeadingNames(tx: Tx, countyId: number): Promise<void> {
  const q = sqlOf(tx);
  if (q.engine === 'pg') await lockName(q, `rule_headings:${countyId}`);
}

/** A new heading of an area; its code (`h<id>`) is what rules and ledger rows will store. */
export async function addHeading(tx: Tx, values: NewHeading, at: number): Promise<HeadingRow> {
  const q = sqlOf(tx);
  const inserted = await q.get<{ id: number }>(INSERT_HEADING, insertParams(values, at));
  if (!inserted) throw new Error('INSERT … RETURNING gave no row');
  const row = await q.get<HeadingRow>(SET_CODE, [`h${inserted.id}`, inserted.id]);
  if (!row) throw new Error(`addHeading: heading ${inserted.id} vanished`);
  return asHeading(row);
}

/** Synchronous twin of `addHeading` for seeds and fixtures (SQLite only), on the same statements; inside the caller's transaction. */
export function insertHeading(tx: SqliteDb, values: NewHeading, at: number): HeadingRow {
  const params = insertParams(values, at).map((p) => (typeof p === 'boolean' ? Number(p) : p));
  const { id } = tx.$client.prepare(INSERT_HEADING).get(...params) as { id: number };
  return asHeading(tx.$client.prepare(SET_CODE).get(`h${id}`, id) as HeadingRow);
}

const patchColumns: Record<keyof HeadingPatch, string> = {
  name: 'name',
  sortOrder: 'sort_order',
  starDimension: 'star_dimension',
  blackList: 'black_list',
  active: 'active',
};

export async function reviseHeading(tx: Tx, id: number, patch: HeadingPatch, at: number): Promise<HeadingRow> {
  const sets: string[] = [];
  const params: SqlParam[] = [];
  // Column names come from the fixed map, never from the object's keys; an undefined field stays as it is.
  for (const [field, column] of Object.entries(patchColumns) as [keyof HeadingPatch, string][]) {
    const value = patch[field];
    if (value === undefined) continue;
    sets.push(`${column} = ?`);
    params.push(value);
  }
  const row = await sqlOf(tx).get<HeadingRow>(`UPDATE rule_headings SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ? RETURNING ${headingColumns('')}`, [
    ...params,
    at,
    id,
  ]);
  if (!row) throw new Error(`reviseHeading: no heading ${id}`);
  return asHeading(row);
}
