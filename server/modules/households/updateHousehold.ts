import { readDb } from '../../../db/client';
import { householdById, idNumberHolder, lockIdNumber, renameHeadMember, updateHouseholdRow, type HouseholdPatch } from '../../../db/households/households';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Invalid } from '../../lib/errors';
import { nameInitials } from '../../lib/identity';
import { getAreaInScope, getHouseholdInScope } from '../../lib/scope';
import { presentHousehold } from './present';
import { ID_NUMBER_IN_VILLAGE, ID_NUMBER_UNAVAILABLE, type UpdateHouseholdBody } from './schemas';

export async function updateHousehold(ctx: Ctx, householdId: number, body: UpdateHouseholdBody) {
  const db = readDb(ctx.db);
  const scoped = await getHouseholdInScope(db, ctx.actor, householdId);
  if (body.groupId) {
    const group = await getAreaInScope(db, ctx.actor, body.groupId);
    if (group.kind !== 'group' || group.parentId !== scoped.villageId) throw new Invalid('村民小组不属于该村', undefined, 'invalid_group');
  }
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    // The row as this change finds it, for the audit row (a household never moves village).
    const before = (await householdById(tx, householdId))!;
    if (body.idNumber) await lockIdNumber(tx, body.idNumber);
    const holder = body.idNumber ? await idNumberHolder(tx, body.idNumber, householdId) : undefined;
    if (holder) throw new Conflict('id_number_taken', holder.villageId === before.villageId ? ID_NUMBER_IN_VILLAGE : ID_NUMBER_UNAVAILABLE);
    const patch: HouseholdPatch = { updatedAt: at };
    if (body.headName !== undefined) {
      patch.headName = body.headName;
      patch.nameInitials = nameInitials(body.headName);
    }
    if (body.groupId !== undefined) patch.groupId = body.groupId;
    if (body.doorNo !== undefined) patch.doorNo = body.doorNo;
    if (body.phone !== undefined) patch.phone = body.phone;
    if (body.idNumber !== undefined) patch.idNumber = body.idNumber;
    if (body.status !== undefined) patch.status = body.status;
    await updateHouseholdRow(tx, householdId, patch);
    if (body.headName !== undefined) await renameHeadMember(tx, householdId, body.headName);
    const after = (await householdById(tx, householdId))!;
    await writeAudit(tx, ctx, { entity: 'household', entityId: householdId, action: 'household.update', areaId: before.villageId, before, after: patch });
    return presentHousehold(ctx.actor, after);
  });
}
