import { insertArea } from '../db/areas';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { hashPassword } from '../server/lib/password';

/** An empty installation: one county and its administrator `admin`. */
export async function bootstrapCounty(
  db: Db,
  opts: { adminPassword: string; scryptN: number; countyName?: string; now?: number },
): Promise<{ countyId: number; adminId: number }> {
  const at = opts.now ?? Date.now();
  const passwordHash = await hashPassword(opts.adminPassword, opts.scryptN);
  return db.transaction((tx) => {
    const county = insertArea(tx, {
      name: opts.countyName ?? process.env.JIFEN_COUNTY_NAME ?? '本县',
      kind: 'county',
      parentId: null,
      noticeDays: 7,
      createdAt: at,
    });
    const admin = tx
      .insert(users)
      .values({ username: 'admin', displayName: '县级管理员', passwordHash, role: 'county_admin', areaId: county.id, createdAt: at, updatedAt: at })
      .returning()
      .get();
    return { countyId: county.id, adminId: admin.id };
  });
}
