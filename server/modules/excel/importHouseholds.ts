import { addArea } from '../../../db/areas';
import { readDb } from '../../../db/client';
import { lockVillageChain } from '../../../db/ledger';
import { insertMembers } from '../../../db/excel/roster';
import { householdById, insertCategoryChange, insertHousehold, membersOf, renameHeadMember, updateHouseholdRow, type HouseholdPatch } from '../../../db/households/households';
import { shanghaiDay } from '../../../db/time';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { nameInitials } from '../../lib/identity';
import { basisKey, checkRoster, checkRosterNow, loadRosterBasis, newGroupsOf, readRoster, rosterErrors, summarise, unconfirmedGroups } from './checkHouseholdRows';
import type { HouseholdImportBody } from './schemas';

/**
 * Imports a roster the cadre has previewed, all or nothing. Every row is checked first on the read
 * connection; inside the one write transaction the check's basis (the village's households and groups,
 * who else holds the file's ID numbers) is read again, and if anything changed meanwhile the rows are
 * checked again against it, so what is written is what the database holds now. Matched households (by
 * ID number, else door number) are updated; members are added, never removed.
 */
export async function importHouseholds(ctx: Ctx, body: HouseholdImportBody) {
  const { village, sheet } = await readRoster(ctx, body);
  const checked = await checkRoster(readDb(ctx.db), village, sheet);
  if (summarise(checked.rows).error) throw rosterErrors(checked.rows);
  const at = ctx.now.getTime();
  const day = shanghaiDay(at);
  return transaction(ctx.db, async (tx) => {
    const basis = await loadRosterBasis(tx, village, sheet);
    const rows = basisKey(basis) === basisKey(checked.basis) ? checked.rows : checkRosterNow(basis, sheet);
    const counts = summarise(rows);
    if (counts.error) throw rosterErrors(rows);
    const missing = newGroupsOf(rows);
    if (missing.length && !body.createGroups) throw unconfirmedGroups(rows, missing);
    const madeGroups = new Map<string, number>();
    if (missing.length) await lockVillageChain(tx, village.id);
    for (const name of missing) {
      const g = await addArea(tx, { name, kind: 'group', parentId: village.id, createdAt: at });
      await writeAudit(tx, ctx, { entity: 'area', entityId: g.id, action: 'area.create', areaId: village.id, after: { id: g.id, name, kind: 'group', parentId: village.id, importedFrom: body.file.filename } });
      madeGroups.set(name, g.id);
    }
    const created: number[] = [];
    const updated: number[] = [];
    for (const r of rows) {
      if (r.action === 'unchanged') continue;
      const fields = {
        headName: r.headName,
        nameInitials: nameInitials(r.headName),
        doorNo: r.doorNo,
        groupId: r.groupId ?? (r.groupName ? (madeGroups.get(r.groupName) ?? null) : null),
        phone: r.phone,
        idNumber: r.idNumber,
        category: r.category,
        updatedAt: at,
      } satisfies HouseholdPatch;
      if (r.action === 'create') {
        const h = await insertHousehold(tx, { villageId: village.id, ...fields, createdAt: at });
        await insertCategoryChange(tx, { householdId: h.id, category: r.category, validFrom: day, reason: '表格导入登记', changedBy: ctx.actor.userId, createdAt: at });
        const members = [{ name: r.headName, relation: 'head' as const }, ...r.members.filter((m) => m.relation !== 'head')];
        await insertMembers(
          tx,
          members.map((m) => ({ householdId: h.id, name: m.name, relation: m.relation, idNumber: m.relation === 'head' ? r.idNumber : null, phone: m.relation === 'head' ? r.phone : null, createdAt: at })),
        );
        await writeAudit(tx, ctx, { entity: 'household', entityId: h.id, action: 'household.create', areaId: village.id, after: { ...h, members, importRow: r.row } });
        created.push(h.id);
        continue;
      }
      const id = r.householdId!;
      const before = (await householdById(tx, id))!;
      await updateHouseholdRow(tx, id, fields);
      if (before.category !== r.category) {
        await insertCategoryChange(tx, { householdId: id, category: r.category, validFrom: day, reason: '表格导入更新', changedBy: ctx.actor.userId, createdAt: at });
      }
      if (before.headName !== r.headName) await renameHeadMember(tx, id, r.headName);
      const known = new Set((await membersOf(tx, id)).map((m) => m.name));
      const added = r.members.filter((m) => m.relation !== 'head' && !known.has(m.name));
      await insertMembers(tx, added.map((m) => ({ householdId: id, name: m.name, relation: m.relation, createdAt: at })));
      await writeAudit(tx, ctx, { entity: 'household', entityId: id, action: 'household.update', areaId: village.id, before, after: { ...fields, addedMembers: added, importRow: r.row } });
      updated.push(id);
    }
    const result = { villageId: village.id, filename: body.file.filename, ...counts, created, updated, newGroups: [...madeGroups.keys()] };
    await writeAudit(tx, ctx, { entity: 'household_import', entityId: village.id, action: 'household.import', areaId: village.id, after: result });
    return result;
  });
}
