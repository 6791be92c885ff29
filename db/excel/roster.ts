import type { Db } from '../client';
import { asHousehold, householdColumns, type HouseholdRow } from '../households/households';
import { selectInChunks } from '../inChunks';
import { sqlOf, type SqlParam } from '../sql';
import type { Tx } from '../transaction';

// Single-household reads and writes are db/households' (householdById, insertHousehold, updateHouseholdRow,
// renameHeadMember, insertCategoryChange); this file holds what the spreadsheets need in bulk.
export type { HouseholdCategory, HouseholdRow } from '../households/households';
export type MemberRelation = string;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** The village groups (村民小组) of a village, in the order they were made. */
export async function groupsOfVillage(db: Db, villageId: number): Promise<{ id: number; name: string }[]> {
  return sqlOf(db).all("SELECT id AS \"id\", name AS \"name\" FROM areas WHERE parent_id = ? AND kind = 'group' ORDER BY id", [villageId]);
}

/** Id → name of the areas directly under any of the given villages (their groups). */
export async function groupNamesUnder(db: Db, villageIds: readonly number[]): Promise<Map<number, string>> {
  const rows = await selectInChunks(villageIds, async (part) =>
    sqlOf(db).all<{ id: number; name: string }>(`SELECT id AS "id", name AS "name" FROM areas WHERE parent_id IN (${placeholders(part.length)}) ORDER BY id`, part),
  );
  return new Map(rows.map((g) => [g.id, g.name]));
}

/** Every household of a village (active and archived), by id. */
export async function householdsOfVillage(db: Db, villageId: number): Promise<HouseholdRow[]> {
  return (await sqlOf(db).all<HouseholdRow>(`SELECT ${householdColumns('')} FROM households WHERE village_id = ? ORDER BY id`, [villageId])).map(asHousehold);
}

/** The active households of a village in score-sheet order: by group (households in no group first), then id. */
export async function activeHouseholdsByGroup(db: Db, villageId: number): Promise<HouseholdRow[]> {
  const rows = await sqlOf(db).all<HouseholdRow>(
    `SELECT ${householdColumns('')} FROM households WHERE village_id = ? AND status = 'active' ORDER BY group_id NULLS FIRST, id`,
    [villageId],
  );
  return rows.map(asHousehold);
}

/** Households of the given villages, by village then id (the roster export's order). */
export async function householdsOfVillages(db: Db, villageIds: readonly number[]): Promise<HouseholdRow[]> {
  const sorted = [...new Set(villageIds)].sort((a, b) => a - b);
  // Parts follow the sorted village ids, so the concatenation keeps the order.
  const rows = await selectInChunks(sorted, async (part) =>
    sqlOf(db).all<HouseholdRow>(`SELECT ${householdColumns('')} FROM households WHERE village_id IN (${placeholders(part.length)}) ORDER BY village_id, id`, part),
  );
  return rows.map(asHousehold);
}

/** Members of the given households, each household's in the order they were added. */
export async function membersOfHouseholds(db: Db, householdIds: readonly number[]): Promise<{ householdId: number; name: string; relation: MemberRelation }[]> {
  return selectInChunks(householdIds, async (part) =>
    sqlOf(db).all<{ householdId: number; name: string; relation: MemberRelation }>(
      `SELECT household_id AS "householdId", name AS "name", relation AS "relation" FROM household_members WHERE household_id IN (${placeholders(part.length)}) ORDER BY id`,
      part,
    ),
  );
}

/** The households (anywhere) holding any of the given ID numbers, with their village. */
export async function idNumberHolders(db: Db, idNumbers: readonly string[]): Promise<{ idNumber: string; villageId: number }[]> {
  return selectInChunks(idNumbers, async (part) =>
    sqlOf(db).all<{ idNumber: string; villageId: number }>(
      `SELECT id_number AS "idNumber", village_id AS "villageId" FROM households WHERE id_number IN (${placeholders(part.length)}) ORDER BY id`,
      part,
    ),
  );
}

export async function insertMembers(
  tx: Tx,
  rows: readonly { householdId: number; name: string; relation: MemberRelation; idNumber?: string | null; phone?: string | null; createdAt: number }[],
): Promise<void> {
  const q = sqlOf(tx);
  // Six columns a row: 200 rows stay far inside the bound-variable limit.
  for (let i = 0; i < rows.length; i += 200) {
    const part = rows.slice(i, i + 200);
    const params = part.flatMap((r): SqlParam[] => [r.householdId, r.name, r.relation, r.idNumber ?? null, r.phone ?? null, r.createdAt]);
    await q.run(`INSERT INTO household_members (household_id, name, relation, id_number, phone, created_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`, params);
  }
}
