import { addArea, type AreaRow } from './areas';
import type { Db } from './client';
import { sqlOf } from './sql';
import type { Tx } from './transaction';

/** True on a database nobody has set up yet: no area, so no county, no account. */
export async function isEmptyDatabase(db: Db): Promise<boolean> {
  const row = await sqlOf(db).get<{ n: number }>('SELECT COUNT(*) AS n FROM areas');
  return !row || row.n === 0;
}

/** The first county and its administrator `admin`; call inside the transaction that checked the database is empty. */
export async function insertCountyWithAdmin(
  tx: Tx,
  v: { countyName: string; adminDisplayName: string; passwordHash: string; at: number },
): Promise<{ county: AreaRow; adminId: number }> {
  const county = await addArea(tx, { name: v.countyName, kind: 'county', parentId: null, noticeDays: 7, createdAt: v.at });
  const admin = await sqlOf(tx).get<{ id: number }>(
    `INSERT INTO users (username, display_name, password_hash, role, area_id, created_at, updated_at) VALUES ('admin', ?, ?, 'county_admin', ?, ?, ?) RETURNING id`,
    [v.adminDisplayName, v.passwordHash, county.id, v.at, v.at],
  );
  return { county, adminId: admin!.id };
}
