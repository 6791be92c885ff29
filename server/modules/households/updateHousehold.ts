import { and, eq, ne } from 'drizzle-orm';
import { householdMembers, households } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Invalid } from '../../lib/errors';
import { nameInitials } from '../../lib/identity';
import { getAreaInScopeSync, getHouseholdInScopeSync } from '../../lib/scope';
import { presentHousehold } from './present';
import { ID_NUMBER_IN_VILLAGE, ID_NUMBER_UNAVAILABLE, type UpdateHouseholdBody } from './schemas';

export function updateHousehold(ctx: Ctx, householdId: number, body: UpdateHouseholdBody) {
  const before = getHouseholdInScopeSync(ctx, householdId);
  if (body.groupId) {
    const group = getAreaInScopeSync(ctx, body.groupId);
    if (group.kind !== 'group' || group.parentId !== before.villageId) throw new Invalid('村民小组不属于该村', undefined, 'invalid_group');
  }
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const holder = body.idNumber
      ? tx.select({ villageId: households.villageId }).from(households).where(and(eq(households.idNumber, body.idNumber), ne(households.id, householdId))).get()
      : undefined;
    if (holder) throw new Conflict('id_number_taken', holder.villageId === before.villageId ? ID_NUMBER_IN_VILLAGE : ID_NUMBER_UNAVAILABLE);
    const patch: Partial<typeof households.$inferInsert> = { updatedAt: at };
    if (body.headName !== undefined) {
      patch.headName = body.headName;
      patch.nameInitials = nameInitials(body.headName);
    }
    if (body.groupId !== undefined) patch.groupId = body.groupId;
    if (body.doorNo !== undefined) patch.doorNo = body.doorNo;
    if (body.phone !== undefined) patch.phone = body.phone;
    if (body.idNumber !== undefined) patch.idNumber = body.idNumber;
    if (body.status !== undefined) patch.status = body.status;
    tx.update(households).set(patch).where(eq(households.id, householdId)).run();
    if (body.headName !== undefined) {
      tx.update(householdMembers)
        .set({ name: body.headName })
        .where(and(eq(householdMembers.householdId, householdId), eq(householdMembers.relation, 'head')))
        .run();
    }
    const after = tx.select().from(households).where(eq(households.id, householdId)).get()!;
    const { villagePath: _vp, ...beforeRow } = before;
    void _vp;
    writeAudit(tx, ctx, { entity: 'household', entityId: householdId, action: 'household.update', areaId: before.villageId, before: beforeRow, after: patch });
    return presentHousehold(ctx.actor, after);
  });
}
