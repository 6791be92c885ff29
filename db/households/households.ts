import type { Db } from '../client';
import { containing, startingWith } from '../like';
import { lockName } from '../pg/locks';
import { householdCategories, type HouseholdCategory } from '../schema/households';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

// The category list is the schema's own (its CHECK enum); re-exported so nothing above db/ imports the schema.
export { householdCategories, type HouseholdCategory };

export type HouseholdStatus = 'active' | 'archived';

/** A household as stores hand it on: never with its pseudonym seed (secret, db/ledger/pseudonym.ts). */
export interface HouseholdRow {
  id: number;
  villageId: number;
  groupId: number | null;
  headName: string;
  nameInitials: string;
  doorNo: string | null;
  phone: string | null;
  idNumber: string | null;
  category: HouseholdCategory;
  balance: number;
  status: HouseholdStatus;
  redemptionSuspended: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface MemberRow {
  id: number;
  householdId: number;
  name: string;
  relation: string;
  idNumber: string | null;
  phone: string | null;
  isProxy: boolean;
  createdAt: number;
}

/**
 * The household columns every store reads (`t` is the table's alias with its dot, or ''). The pseudonym
 * seed is not among them, so no answer or audit row can carry it.
 */
export const householdColumns = (t: string): string =>
  `${t}id AS "id", ${t}village_id AS "villageId", ${t}group_id AS "groupId", ${t}head_name AS "headName",
   ${t}name_initials AS "nameInitials", ${t}door_no AS "doorNo", ${t}phone AS "phone", ${t}id_number AS "idNumber",
   ${t}category AS "category", ${t}balance AS "balance", ${t}status AS "status",
   ${t}redemption_suspended AS "redemptionSuspended", ${t}created_at AS "createdAt", ${t}updated_at AS "updatedAt"`;

/** A row read with `householdColumns`: SQLite answers its flag as 0/1. */
export const asHousehold = <T extends HouseholdRow>(row: T): T => ({ ...row, redemptionSuspended: Boolean(row.redemptionSuspended) });

const MEMBER_COLUMNS = `id AS "id", household_id AS "householdId", name AS "name", relation AS "relation", id_number AS "idNumber",
  phone AS "phone", is_proxy AS "isProxy", created_at AS "createdAt"`;

const asMember = (row: MemberRow): MemberRow => ({ ...row, isProxy: Boolean(row.isProxy) });

export async function householdById(db: Db, id: number): Promise<HouseholdRow | undefined> {
  const row = await sqlOf(db).get<HouseholdRow>(`SELECT ${householdColumns('')} FROM households WHERE id = ?`, [id]);
  return row && asHousehold(row);
}

/**
 * Serialises "is this ID number free, then write it" until the transaction ends: on PostgreSQL parallel
 * registrations would otherwise all find it free and the losers hit the unique index instead of
 * id_number_taken. SQLite's write transaction already serialises.
 */
export async function lockIdNumber(tx: Tx, idNumber: string): Promise<void> {
  const q = sqlOf(tx);
  if (q.engine === 'pg') await lockName(q, `households.id_number:${idNumber}`);
}

/** The village of the household holding this ID number (other than `exceptId`), if any. */
export async function idNumberHolder(db: Db, idNumber: string, exceptId?: number): Promise<{ villageId: number } | undefined> {
  const q = sqlOf(db);
  const text = 'SELECT village_id AS "villageId" FROM households WHERE id_number = ?';
  return exceptId === undefined ? q.get(text, [idNumber]) : q.get(`${text} AND id <> ?`, [idNumber, exceptId]);
}

export interface NewHousehold {
  villageId: number;
  groupId: number | null;
  headName: string;
  nameInitials: string;
  doorNo: string | null;
  phone: string | null;
  idNumber: string | null;
  category: HouseholdCategory;
  createdAt: number;
}

export async function insertHousehold(tx: Tx, h: NewHousehold): Promise<HouseholdRow> {
  const row = await sqlOf(tx).get<HouseholdRow>(
    `INSERT INTO households (village_id, group_id, head_name, name_initials, door_no, phone, id_number, category, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     RETURNING ${householdColumns('')}`,
    [h.villageId, h.groupId, h.headName, h.nameInitials, h.doorNo, h.phone, h.idNumber, h.category, h.createdAt, h.createdAt],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return asHousehold(row);
}

export interface HouseholdPatch {
  headName?: string;
  nameInitials?: string;
  groupId?: number | null;
  doorNo?: string | null;
  phone?: string | null;
  idNumber?: string | null;
  status?: HouseholdStatus;
  category?: HouseholdCategory;
  updatedAt: number;
}

const patchColumns: Record<keyof HouseholdPatch, string> = {
  headName: 'head_name',
  nameInitials: 'name_initials',
  groupId: 'group_id',
  doorNo: 'door_no',
  phone: 'phone',
  idNumber: 'id_number',
  status: 'status',
  category: 'category',
  updatedAt: 'updated_at',
};

export async function updateHouseholdRow(tx: Tx, id: number, patch: HouseholdPatch): Promise<void> {
  const sets: string[] = [];
  const params: SqlParam[] = [];
  // Column names come from the fixed map, never from the object's keys; an undefined field stays as it is.
  for (const [field, column] of Object.entries(patchColumns) as [keyof HouseholdPatch, string][]) {
    const value = patch[field];
    if (value === undefined) continue;
    sets.push(`${column} = ?`);
    params.push(value);
  }
  await sqlOf(tx).run(`UPDATE households SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
}

/** Keeps the head's member row named as the household's head. */
export async function renameHeadMember(tx: Tx, householdId: number, name: string): Promise<void> {
  await sqlOf(tx).run("UPDATE household_members SET name = ? WHERE household_id = ? AND relation = 'head'", [name, householdId]);
}

export interface NewMember {
  householdId: number;
  name: string;
  relation: string;
  idNumber: string | null;
  phone: string | null;
  isProxy: boolean;
  createdAt: number;
}

export async function insertMember(tx: Tx, m: NewMember): Promise<MemberRow> {
  const row = await sqlOf(tx).get<MemberRow>(
    `INSERT INTO household_members (household_id, name, relation, id_number, phone, is_proxy, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     RETURNING ${MEMBER_COLUMNS}`,
    [m.householdId, m.name, m.relation, m.idNumber, m.phone, m.isProxy, m.createdAt],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return asMember(row);
}

export async function membersOf(db: Db, householdId: number): Promise<MemberRow[]> {
  return (await sqlOf(db).all<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM household_members WHERE household_id = ? ORDER BY id`, [householdId])).map(asMember);
}

export interface CategoryChange {
  householdId: number;
  category: HouseholdCategory;
  validFrom: string;
  reason: string;
  changedBy: number;
  createdAt: number;
}

/** Appends a category change to the history (never overwritten) and returns it. */
export async function insertCategoryChange(tx: Tx, c: CategoryChange): Promise<{ category: HouseholdCategory; validFrom: string; reason: string | null }> {
  const row = await sqlOf(tx).get<{ category: HouseholdCategory; validFrom: string; reason: string | null }>(
    `INSERT INTO household_category_history (household_id, category, valid_from, reason, changed_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?)
     RETURNING category AS "category", valid_from AS "validFrom", reason AS "reason"`,
    [c.householdId, c.category, c.validFrom, c.reason, c.changedBy, c.createdAt],
  );
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row;
}

export async function categoryHistoryOf(db: Db, householdId: number): Promise<{ category: HouseholdCategory; validFrom: string; reason: string | null; createdAt: number }[]> {
  return sqlOf(db).all(
    `SELECT category AS "category", valid_from AS "validFrom", reason AS "reason", created_at AS "createdAt"
       FROM household_category_history WHERE household_id = ? ORDER BY id DESC`,
    [householdId],
  );
}

/** Points of the household's awards still in review (`pending`) and in public notice (`notice`). */
export async function undecidedAwardPoints(db: Db, householdId: number): Promise<{ pending: number; notice: number }> {
  const rows = await sqlOf(db).all<{ status: string; points: number }>(
    `SELECT status AS "status", COALESCE(SUM(points), 0) AS "points"
       FROM awards WHERE household_id = ? AND status IN ('pending', 'notice') GROUP BY status`,
    [householdId],
  );
  return { pending: rows.find((r) => r.status === 'pending')?.points ?? 0, notice: rows.find((r) => r.status === 'notice')?.points ?? 0 };
}

/** The household's conduct score in one period ("2026", "2026-06"); zeros when it has none. */
export async function periodScoreOf(db: Db, householdId: number, period: string): Promise<{ score: number; earned: number; deducted: number }> {
  const row = await sqlOf(db).get<{ score: number; earned: number; deducted: number }>(
    'SELECT score AS "score", earned AS "earned", deducted AS "deducted" FROM household_period_scores WHERE household_id = ? AND period = ?',
    [householdId, period],
  );
  return row ?? { score: 0, earned: 0, deducted: 0 };
}

/** The household's cards that are not revoked, oldest first. */
export async function activeCardsOf(db: Db, householdId: number): Promise<{ id: number; lockedAt: number | null; createdAt: number }[]> {
  return sqlOf(db).all(
    'SELECT id AS "id", locked_at AS "lockedAt", created_at AS "createdAt" FROM household_cards WHERE household_id = ? AND revoked_at IS NULL ORDER BY id',
    [householdId],
  );
}

export interface HouseholdFilter {
  villageIds: readonly number[];
  /** Only this household (a household account sees only its own). */
  householdId?: number;
  groupId?: number;
  category?: HouseholdCategory;
  status?: HouseholdStatus;
  /** Matches the head's name or door number anywhere (LIKE wildcards already removed). */
  text?: string;
  /** Matches the start of the head's pinyin initials. */
  initials?: string;
  limit: number;
  offset: number;
}

/** Households of the given villages, by village, group and door number, and how many match in all. */
export async function listHouseholdsPage(db: Db, f: HouseholdFilter): Promise<{ items: HouseholdRow[]; total: number }> {
  if (!f.villageIds.length) return { items: [], total: 0 };
  const villageIds = [...f.villageIds];
  const conditions = [`village_id IN (${villageIds.map(() => '?').join(', ')})`];
  const params: SqlParam[] = villageIds;
  const also = (condition: string, ...values: SqlParam[]) => {
    conditions.push(condition);
    params.push(...values);
  };
  if (f.householdId !== undefined) also('id = ?', f.householdId);
  if (f.groupId !== undefined) also('group_id = ?', f.groupId);
  if (f.category !== undefined) also('category = ?', f.category);
  if (f.status !== undefined) also('status = ?', f.status);
  if (f.text !== undefined) {
    const anywhere = containing(f.text);
    const matches = [`lower(head_name) LIKE lower(?) ESCAPE '\\'`, `lower(door_no) LIKE lower(?) ESCAPE '\\'`];
    const values = [anywhere, anywhere];
    if (f.initials !== undefined) {
      matches.push(`lower(name_initials) LIKE lower(?) ESCAPE '\\'`);
      values.push(startingWith(f.initials));
    }
    also(`(${matches.join(' OR ')})`, ...values);
  }
  const where = conditions.join(' AND ');
  const q = sqlOf(db);
  // Shorter door numbers first puts 一组2号 before 一组10号 without engine-specific natural sorting.
  // NULLS FIRST is SQLite's own order, which PostgreSQL gives only when asked.
  const items = await q.all<HouseholdRow>(
    `SELECT ${householdColumns('')} FROM households WHERE ${where}
      ORDER BY village_id, group_id NULLS FIRST, length(door_no) NULLS FIRST, door_no NULLS FIRST, id
      LIMIT ? OFFSET ?`,
    [...params, f.limit, f.offset],
  );
  const total = (await q.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM households WHERE ${where}`, params))?.n ?? 0;
  return { items: items.map(asHousehold), total };
}
