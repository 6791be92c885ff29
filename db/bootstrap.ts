import { sql } from 'drizzle-orm';
import { addArea, type AreaRow } from './areas';
import type { Db } from './client';
import { users } from './schema';
import type { Tx } from './transaction';

/** True on a database nobody has set up yet: no area, so no county, no account. */
export async function isEmptyDatabase(db: Db): Promise<boolean> {
  const row = db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM areas`);
  return !row || row.n === 0;
}

/** The first county and its administrator `admin`; call inside the transaction that checked the database is empty. */
export async function insertCountyWithAdmin(
  tx: Tx,
  v: { countyName: string; adminDisplayName: string; passwordHash: string; at: number },
): Promise<{ county: AreaRow; adminId: number }> {
  const county = await addArea(tx, { name: v.countyName, kind: 'county', parentId: null, noticeDays: 7, createdAt: v.at });
  const admin = tx
    .insert(users)
    .values({ username: 'admin', displayName: v.adminDisplayName, passwordHash: v.passwordHash, role: 'county_admin', areaId: county.id, createdAt: v.at, updatedAt: v.at })
    .returning({ id: users.id })
    .get();
  return { county, adminId: admin.id };
}
