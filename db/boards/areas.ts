import type { Db } from '../client';
import { sqlOf } from '../sql';

/** An area as stored (see the `areas` table); null settings inherit from the parent. */
export interface BoardAreaRow {
  id: number;
  name: string;
  kind: 'county' | 'township' | 'village' | 'group';
  parentId: number | null;
  path: string;
  noticeDays: number | null;
  maskMode: 'name' | 'door' | null;
  expiryMode: 'carry' | 'months' | 'year_end' | null;
  expiryMonths: number | null;
  starThresholds: string | null;
  pointValueFen: number | null;
  createdAt: number;
}

const marks = (ids: readonly unknown[]) => ids.map(() => '?').join(', ');

export async function areaRow(db: Db, id: number): Promise<BoardAreaRow | undefined> {
  return sqlOf(db).get<BoardAreaRow>(
    `SELECT id, name, kind, parent_id AS "parentId", path, notice_days AS "noticeDays", mask_mode AS "maskMode", expiry_mode AS "expiryMode",
            expiry_months AS "expiryMonths", star_thresholds AS "starThresholds", point_value_fen AS "pointValueFen", created_at AS "createdAt"
       FROM areas WHERE id = ?`,
    [id],
  );
}

/** Names of areas by id (for the "county township village" trail of a poster). */
export async function areaNames(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await sqlOf(db).all<{ id: number; name: string }>(`SELECT id, name FROM areas WHERE id IN (${marks(ids)})`, [...ids]);
  return new Map(rows.map((a) => [a.id, a.name]));
}

/** Villages at or below a materialised path, by id. */
export async function villagesUnder(db: Db, path: string): Promise<Array<{ id: number; name: string }>> {
  return sqlOf(db).all<{ id: number; name: string }>(`SELECT id, name FROM areas WHERE kind = 'village' AND path LIKE ? ORDER BY id ASC`, [`${path}%`]);
}

/** Counties, townships and villages (never groups), parents first. */
export async function publicAreaList(db: Db): Promise<Array<{ id: number; name: string; kind: BoardAreaRow['kind']; parentId: number | null }>> {
  // NULLS FIRST: the county (no parent) leads on both engines, as SQLite orders NULL by default.
  return sqlOf(db).all<{ id: number; name: string; kind: BoardAreaRow['kind']; parentId: number | null }>(
    `SELECT id, name, kind, parent_id AS "parentId" FROM areas WHERE kind IN ('county', 'township', 'village') ORDER BY parent_id ASC NULLS FIRST, id ASC`,
  );
}
