import type { Db } from '../client';
import { containing } from '../like';
import { lockName } from '../pg/locks';
import { roles, type Role } from '../schema/users';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

// The role list is the schema's own (its CHECK enum); re-exported so nothing above db/ imports the schema.
export { roles, type Role };

export type AreaKind = 'county' | 'township' | 'village' | 'group';

export interface UserRow {
  id: number;
  username: string;
  displayName: string | null;
  passwordHash: string;
  role: Role;
  areaId: number;
  householdId: number | null;
  active: boolean;
  failedLogins: number;
  lockedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}
/** A user row without its password hash: what audit rows and answers may carry. */
export type SafeUserRow = Omit<UserRow, 'passwordHash'>;

/** A user with its area's name, kind and materialised path, the input of every account-policy check. */
export interface UserWithArea extends UserRow {
  areaName: string;
  areaKind: AreaKind;
  areaPath: string;
}

const userColumns = (t: string) =>
  `${t}id AS "id", ${t}username AS "username", ${t}display_name AS "displayName", ${t}password_hash AS "passwordHash",
   ${t}role AS "role", ${t}area_id AS "areaId", ${t}household_id AS "householdId", ${t}active AS "active",
   ${t}failed_logins AS "failedLogins", ${t}locked_until AS "lockedUntil", ${t}created_at AS "createdAt", ${t}updated_at AS "updatedAt"`;

// SQLite answers flags as 0/1.
const asUser = <T extends UserRow>(row: T): T => ({ ...row, active: Boolean(row.active) });

async function withArea(db: Db, where: string, param: SqlParam): Promise<UserWithArea | undefined> {
  const row = await sqlOf(db).get<UserWithArea>(
    `SELECT ${userColumns('u.')}, a.name AS "areaName", a.kind AS "areaKind", a.path AS "areaPath"
       FROM users u JOIN areas a ON a.id = u.area_id
      WHERE ${where}`,
    [param],
  );
  return row && asUser(row);
}

export function userById(db: Db, id: number): Promise<UserWithArea | undefined> {
  return withArea(db, 'u.id = ?', id);
}

/** Usernames match as people type them (Zhangsan = zhangsan); an exact match wins over a case-only one. */
export async function userByUsername(db: Db, username: string): Promise<UserWithArea | undefined> {
  return (await withArea(db, 'u.username = ?', username)) ?? withArea(db, 'lower(u.username) = lower(?)', username);
}

/**
 * Serialises "is this username free, then insert it" until the transaction ends (names compare without case):
 * on PostgreSQL parallel creations would otherwise all find it free and the losers hit the unique index
 * instead of username_taken. SQLite's write transaction already serialises.
 */
export async function lockUsername(tx: Tx, username: string): Promise<void> {
  const q = sqlOf(tx);
  if (q.engine === 'pg') await lockName(q, `users.username:${username.toLowerCase()}`);
}

/**
 * Locks the account's row until the transaction ends, so a check of its password (or state) and the write that
 * follows are not interleaved with a parallel change on PostgreSQL. SQLite's write transaction already holds it.
 */
export async function lockUser(tx: Tx, id: number): Promise<void> {
  const q = sqlOf(tx);
  if (q.engine === 'pg') await q.get('SELECT id FROM users WHERE id = ? FOR UPDATE', [id]);
}

/** Taken in any case: a second account differing only in case would make login ambiguous. */
export async function usernameTaken(db: Db, username: string): Promise<boolean> {
  return (await sqlOf(db).get<{ id: number }>('SELECT id AS "id" FROM users WHERE lower(username) = lower(?)', [username])) !== undefined;
}

export interface NewUser {
  username: string;
  displayName: string | null;
  passwordHash: string;
  role: Role;
  areaId: number;
  householdId: number | null;
  createdAt: number;
}

export async function insertUser(tx: Tx, u: NewUser): Promise<UserRow> {
  const row = await sqlOf(tx).get<UserRow>(
    `INSERT INTO users (username, display_name, password_hash, role, area_id, household_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     RETURNING ${userColumns('')}`,
    [u.username, u.displayName, u.passwordHash, u.role, u.areaId, u.householdId, u.createdAt, u.createdAt],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return asUser(row);
}

/** The fields an account manager may change; a new password also clears the login back-off. */
export interface UserPatch {
  role?: Role;
  active?: boolean;
  displayName?: string;
  passwordHash?: string;
  failedLogins?: number;
  lockedUntil?: number | null;
  updatedAt: number;
}

const patchColumns: Record<keyof UserPatch, string> = {
  role: 'role',
  active: 'active',
  displayName: 'display_name',
  passwordHash: 'password_hash',
  failedLogins: 'failed_logins',
  lockedUntil: 'locked_until',
  updatedAt: 'updated_at',
};

export async function updateUserRow(tx: Tx, id: number, patch: UserPatch): Promise<void> {
  const sets: string[] = [];
  const params: SqlParam[] = [];
  // Column names come from the fixed map, never from the object's keys; an undefined field stays as it is.
  for (const [field, column] of Object.entries(patchColumns) as [keyof UserPatch, string][]) {
    const value = patch[field];
    if (value === undefined) continue;
    sets.push(`${column} = ?`);
    params.push(value);
  }
  await sqlOf(tx).run(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
}

export interface UserListItem {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  areaId: number;
  areaName: string;
  areaPath: string;
  householdId: number | null;
  active: boolean;
}

/** Accounts whose area lies under `areaPath`, by area then username; `q` matches username or display name. */
export async function listUsersUnder(
  db: Db,
  f: { areaPath: string; q?: string; limit: number; offset: number },
): Promise<{ items: UserListItem[]; total: number }> {
  let where = 'a.path LIKE ?';
  const params: SqlParam[] = [`${f.areaPath}%`];
  if (f.q) {
    where += ` AND (lower(u.username) LIKE lower(?) ESCAPE '\\' OR lower(u.display_name) LIKE lower(?) ESCAPE '\\')`;
    params.push(containing(f.q), containing(f.q));
  }
  const q = sqlOf(db);
  const items = await q.all<UserListItem>(
    `SELECT u.id AS "id", u.username AS "username", u.display_name AS "displayName", u.role AS "role", u.area_id AS "areaId",
            a.name AS "areaName", a.path AS "areaPath", u.household_id AS "householdId", u.active AS "active"
       FROM users u JOIN areas a ON a.id = u.area_id
      WHERE ${where}
      ORDER BY a.path, u.username
      LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset],
  );
  const total = (await q.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM users u JOIN areas a ON a.id = u.area_id WHERE ${where}`, params))?.n ?? 0;
  return { items: items.map((i) => ({ ...i, active: Boolean(i.active) })), total };
}

/** Ids of the accounts bound to a household. */
export async function householdAccountIds(db: Db, householdId: number): Promise<number[]> {
  return (await sqlOf(db).all<{ id: number }>('SELECT id AS "id" FROM users WHERE household_id = ? ORDER BY id', [householdId])).map((u) => u.id);
}
