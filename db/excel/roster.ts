import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import type { HouseholdRow } from '../households/households';
import { areas, householdMembers, households } from '../schema';
import type { Tx } from '../transaction';

// Single-household reads and writes are db/households' (householdById, insertHousehold, updateHouseholdRow,
// renameHeadMember, insertCategoryChange); this file holds what the spreadsheets need in bulk.
export type { HouseholdCategory, HouseholdRow } from '../households/households';
export type MemberRelation = (typeof householdMembers.$inferSelect)['relation'];

/** The village groups (村民小组) of a village, in the order they were made. */
export async function groupsOfVillage(db: Db, villageId: number): Promise<{ id: number; name: string }[]> {
  return db
    .select({ id: areas.id, name: areas.name })
    .from(areas)
    .where(and(eq(areas.parentId, villageId), eq(areas.kind, 'group')))
    .orderBy(asc(areas.id))
    .all();
}

/** Id → name of the areas directly under any of the given villages (their groups). */
export async function groupNamesUnder(db: Db, villageIds: readonly number[]): Promise<Map<number, string>> {
  const rows = await selectInChunks(villageIds, async (part) => db.select({ id: areas.id, name: areas.name }).from(areas).where(inArray(areas.parentId, part)).all());
  return new Map(rows.map((g) => [g.id, g.name]));
}

/** Every household of a village (active and archived), by id. */
export async function householdsOfVillage(db: Db, villageId: number): Promise<HouseholdRow[]> {
  return db.select().from(households).where(eq(households.villageId, villageId)).orderBy(asc(households.id)).all();
}

/** The active households of a village in score-sheet order: by group, then id. */
export async function activeHouseholdsByGroup(db: Db, villageId: number): Promise<HouseholdRow[]> {
  return db
    .select()
    .from(households)
    .where(and(eq(households.villageId, villageId), eq(households.status, 'active')))
    .orderBy(asc(households.groupId), asc(households.id))
    .all();
}

/** Households of the given villages, by village then id (the roster export's order). */
export async function householdsOfVillages(db: Db, villageIds: readonly number[]): Promise<HouseholdRow[]> {
  const sorted = [...new Set(villageIds)].sort((a, b) => a - b);
  // Parts follow the sorted village ids, so the concatenation keeps the order.
  return selectInChunks(sorted, async (part) =>
    db.select().from(households).where(inArray(households.villageId, part)).orderBy(asc(households.villageId), asc(households.id)).all(),
  );
}

/** Members of the given households, each household's in the order they were added. */
export async function membersOfHouseholds(db: Db, householdIds: readonly number[]): Promise<{ householdId: number; name: string; relation: MemberRelation }[]> {
  return selectInChunks(householdIds, async (part) =>
    db
      .select({ householdId: householdMembers.householdId, name: householdMembers.name, relation: householdMembers.relation })
      .from(householdMembers)
      .where(inArray(householdMembers.householdId, part))
      .orderBy(asc(householdMembers.id))
      .all(),
  );
}

/** The households (anywhere) holding any of the given ID numbers, with their village. */
export async function idNumberHolders(db: Db, idNumbers: readonly string[]): Promise<{ idNumber: string; villageId: number }[]> {
  const rows = await selectInChunks(idNumbers, async (part) =>
    db.select({ idNumber: households.idNumber, villageId: households.villageId }).from(households).where(inArray(households.idNumber, part)).all(),
  );
  return rows.flatMap((r) => (r.idNumber ? [{ idNumber: r.idNumber, villageId: r.villageId }] : []));
}

export async function insertMembers(
  tx: Tx,
  rows: readonly { householdId: number; name: string; relation: MemberRelation; idNumber?: string | null; phone?: string | null; createdAt: number }[],
): Promise<void> {
  // Six columns a row: 200 rows stay far inside the bound-variable limit.
  for (let i = 0; i < rows.length; i += 200) tx.insert(householdMembers).values(rows.slice(i, i + 200)).run();
}
