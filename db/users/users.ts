import { and, asc, count, eq, like, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, users } from '../schema';
import { roles, type Role } from '../schema/users';
import type { Tx } from '../transaction';

export { roles, type Role };

export type UserRow = typeof users.$inferSelect;
/** A user row without its password hash: what audit rows and answers may carry. */
export type SafeUserRow = Omit<UserRow, 'passwordHash'>;
export type AreaKind = (typeof areas.$inferSelect)['kind'];

/** A user with its area's name, kind and materialised path, the input of every account-policy check. */
export interface UserWithArea extends UserRow {
  areaName: string;
  areaKind: AreaKind;
  areaPath: string;
}

async function withArea(db: Db, where: ReturnType<typeof eq>): Promise<UserWithArea | undefined> {
  const row = db
    .select({ user: users, areaName: areas.name, areaKind: areas.kind, areaPath: areas.path })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(where)
    .get();
  return row && { ...row.user, areaName: row.areaName, areaKind: row.areaKind, areaPath: row.areaPath };
}

export function userById(db: Db, id: number): Promise<UserWithArea | undefined> {
  return withArea(db, eq(users.id, id));
}

/** Usernames match as people type them (Zhangsan = zhangsan); an exact match wins over a case-only one. */
export async function userByUsername(db: Db, username: string): Promise<UserWithArea | undefined> {
  return (await withArea(db, eq(users.username, username))) ?? withArea(db, sql`lower(${users.username}) = lower(${username})`);
}

/** Taken in any case: a second account differing only in case would make login ambiguous. */
export async function usernameTaken(db: Db, username: string): Promise<boolean> {
  return db.select({ id: users.id }).from(users).where(sql`lower(${users.username}) = lower(${username})`).get() !== undefined;
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
  return tx
    .insert(users)
    .values({ ...u, updatedAt: u.createdAt })
    .returning()
    .get();
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

export async function updateUserRow(tx: Tx, id: number, patch: UserPatch): Promise<void> {
  tx.update(users).set(patch).where(eq(users.id, id)).run();
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
  const where = and(like(areas.path, `${f.areaPath}%`), f.q ? or(like(users.username, `%${f.q}%`), like(users.displayName, `%${f.q}%`)) : undefined);
  const items = db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      areaId: users.areaId,
      areaName: areas.name,
      areaPath: areas.path,
      householdId: users.householdId,
      active: users.active,
    })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(where)
    .orderBy(asc(areas.path), asc(users.username))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(users).innerJoin(areas, eq(areas.id, users.areaId)).where(where).get()?.n ?? 0;
  return { items, total };
}

/** Ids of the accounts bound to a household. */
export async function householdAccountIds(db: Db, householdId: number): Promise<number[]> {
  return db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.householdId, householdId))
    .all()
    .map((u) => u.id);
}
