import { pathToFileURL } from 'node:url';
import { insertCountyWithAdmin, isEmptyDatabase } from '../../db/bootstrap';
import { closeDb, openDb, type Db } from '../../db/client';
import { transaction } from '../../db/transaction';
import { writeAudit, type AuditCtx } from '../lib/audit';
import { hashPassword } from '../lib/password';
import { applyCountyNumberSetting, DatabaseConfigError, readCountyNumber } from '../config';
import { dbFileFromArgs } from './dbFile';

/** Why an installation could not be set up; the message is for the operator. */
export class BootstrapRefused extends Error {
  override name = 'BootstrapRefused';
}

export const MIN_ADMIN_PASSWORD = 8;

/**
 * An empty installation: one county and its administrator `admin` (password from the operator), audited
 * as the system. Refuses a database that already holds an area, so running it twice changes nothing.
 */
export async function bootstrapCounty(
  db: Db,
  opts: { adminPassword: string; scryptN: number; countyName?: string; now?: Date },
): Promise<{ countyId: number; adminId: number }> {
  if (opts.adminPassword.length < MIN_ADMIN_PASSWORD) {
    throw new BootstrapRefused(`the admin password needs at least ${MIN_ADMIN_PASSWORD} characters`);
  }
  const now = opts.now ?? new Date();
  // Hashed before the transaction: nothing but the database is awaited inside one.
  const passwordHash = await hashPassword(opts.adminPassword, opts.scryptN);
  const countyName = opts.countyName ?? process.env.JIFEN_COUNTY_NAME ?? '本县';
  return transaction(db, async (tx) => {
    if (!(await isEmptyDatabase(tx))) throw new BootstrapRefused('the database already holds a county; nothing was changed');
    const { county, adminId } = await insertCountyWithAdmin(tx, { countyName, adminDisplayName: '县级管理员', passwordHash, at: now.getTime() });
    const ctx: AuditCtx = { now, device: { ip: null, userAgent: 'bootstrap' }, actor: null };
    await writeAudit(tx, ctx, { entity: 'area', entityId: county.id, action: 'area.create', areaId: county.id, after: { name: county.name, kind: 'county' } });
    await writeAudit(tx, ctx, { entity: 'user', entityId: adminId, action: 'user.create', areaId: county.id, after: { username: 'admin', role: 'county_admin' } });
    return { countyId: county.id, adminId };
  });
}

// `node --import tsx server/cli/bootstrap.ts [--db file]` with JIFEN_ADMIN_PASSWORD: sets up an empty
// database without starting the server (the server does the same on its first start).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = dbFileFromArgs(process.argv.slice(2));
  const db = openDb({ file });
  try {
    // Numbered as the server would number it (JIFEN_COUNTY_NUMBER), before the county's first ids are taken.
    await applyCountyNumberSetting(db, readCountyNumber());
    const { countyId } = await bootstrapCounty(db, { adminPassword: process.env.JIFEN_ADMIN_PASSWORD ?? '', scryptN: Number(process.env.JIFEN_SCRYPT_N ?? 2 ** 17) });
    console.log(`[jifen] ${file}: county ${countyId} and account admin created`);
  } catch (err) {
    if (!(err instanceof BootstrapRefused || err instanceof DatabaseConfigError)) throw err;
    console.error(`[jifen] ${file}: ${err.message}`);
    process.exitCode = 1;
  } finally {
    await closeDb(db);
  }
}
