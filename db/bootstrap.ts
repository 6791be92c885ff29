import { addArea, type AreaRow } from './areas';
import type { Db } from './client';
import { checkCountyNumber, countyIdBase } from './idRange';
import { putMetaIfAbsent, readMeta } from './meta';
import { isSqlite, sqlOf } from './sql';
import { transaction, type Tx } from './transaction';

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

/** Where a county database keeps its number (db/idRange.ts) once given one. */
export const COUNTY_NUMBER_KEY = 'county_number';

/** A county number this database cannot take; the server does not start. */
export class CountyNumberRefused extends Error {
  override name = 'CountyNumberRefused';
}

/** The number recorded in this database, or null when none is (a county made without one: its ids start at 1). */
export async function recordedCountyNumber(db: Db): Promise<number | null> {
  const value = await readMeta(db, COUNTY_NUMBER_KEY);
  return value === undefined ? null : Number(value);
}

/**
 * Numbers a county's SQLite database k (JIFEN_COUNTY_NUMBER, or the generator's countyNumber): on an empty
 * database every AUTOINCREMENT table's next id becomes k·10^10 + 1 and k is recorded; later starts with the same k
 * change nothing. A different k, or k ≠ 0 on a database already filled without a number, is refused: its ids are
 * in ledger hashes and published checkpoints and can never move into another range.
 */
export async function applyCountyNumber(db: Db, k: number): Promise<void> {
  checkCountyNumber(k, 'JIFEN_COUNTY_NUMBER');
  if (!isSqlite(db)) {
    throw new CountyNumberRefused(
      'JIFEN_COUNTY_NUMBER numbers a county in its own SQLite database; a provincial PostgreSQL database takes numbered counties through npm run db:copy',
    );
  }
  await transaction(db, async (tx) => {
    const recorded = await recordedCountyNumber(tx);
    if (recorded !== null) {
      if (recorded !== k) throw new CountyNumberRefused(`this database is county number ${recorded}; JIFEN_COUNTY_NUMBER=${k} cannot change it (its ids are in ledger hashes and published proofs)`);
      return;
    }
    if (!(await isEmptyDatabase(tx))) {
      if (k !== 0) {
        throw new CountyNumberRefused(
          `this database already holds a county made without a number (its ids start at 1, number 0); JIFEN_COUNTY_NUMBER=${k} cannot renumber it: unset it, or set it to 0`,
        );
      }
    } else if (k !== 0) await startIdsAt(tx, countyIdBase(k));
    await putMetaIfAbsent(tx, COUNTY_NUMBER_KEY, String(k));
  });
}

/** Every AUTOINCREMENT table's next id becomes base + 1 (or stays higher where rows are past it already). */
async function startIdsAt(tx: Tx, base: number): Promise<void> {
  const q = sqlOf(tx);
  const tables = await q.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%' ORDER BY name`);
  for (const { name } of tables) {
    const row = await q.get<{ seq: number }>('SELECT seq FROM sqlite_sequence WHERE name = ?', [name]);
    if (!row) await q.run('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)', [name, base]);
    else if (row.seq < base) await q.run('UPDATE sqlite_sequence SET seq = ? WHERE name = ?', [base, name]);
  }
}
