import { eq } from 'drizzle-orm';
import { householdCategoryHistory, householdMembers, households } from '../../../db/schema';
import { shanghaiDay } from '../../../db/time';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Invalid } from '../../lib/errors';
import { nameInitials } from '../../lib/identity';
import { getAreaInScopeSync, getVillageInScopeSync } from '../../lib/scope';
import { presentHousehold } from './present';
import { ID_NUMBER_IN_VILLAGE, ID_NUMBER_UNAVAILABLE, type CreateHouseholdBody } from './schemas';

export function createHousehold(ctx: Ctx, body: CreateHouseholdBody) {
  const village = getVillageInScopeSync(ctx, body.villageId);
  if (body.groupId) {
    const group = getAreaInScopeSync(ctx, body.groupId);
    if (group.kind !== 'group' || group.parentId !== village.id) throw new Invalid('村民小组不属于该村', undefined, 'invalid_group');
  }
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const holder = body.idNumber ? tx.select({ villageId: households.villageId }).from(households).where(eq(households.idNumber, body.idNumber)).get() : undefined;
    if (holder) throw new Conflict('id_number_taken', holder.villageId === village.id ? ID_NUMBER_IN_VILLAGE : ID_NUMBER_UNAVAILABLE);
    const h = tx
      .insert(households)
      .values({
        villageId: village.id,
        groupId: body.groupId ?? null,
        headName: body.headName,
        nameInitials: nameInitials(body.headName),
        doorNo: body.doorNo ?? null,
        phone: body.phone ?? null,
        idNumber: body.idNumber ?? null,
        category: body.category,
        createdAt: at,
        updatedAt: at,
      })
      .returning()
      .get();
    tx.insert(householdCategoryHistory)
      .values({ householdId: h.id, category: body.category, validFrom: shanghaiDay(at), reason: '登记', changedBy: ctx.actor.userId, createdAt: at })
      .run();
    const members = [{ name: body.headName, relation: 'head' as const, idNumber: body.idNumber, phone: body.phone, isProxy: false }, ...body.members.filter((m) => m.relation !== 'head')];
    for (const m of members) {
      tx.insert(householdMembers)
        .values({ householdId: h.id, name: m.name, relation: m.relation, idNumber: m.idNumber ?? null, phone: m.phone ?? null, isProxy: m.isProxy, createdAt: at })
        .run();
    }
    writeAudit(tx, ctx, { entity: 'household', entityId: h.id, action: 'household.create', areaId: village.id, after: { ...h, members } });
    return presentHousehold(ctx.actor, h);
  });
}
