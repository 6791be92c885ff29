import { readDb } from '../../../db/client';
import { idNumberHolder, insertCategoryChange, insertHousehold, insertMember, lockIdNumber } from '../../../db/households/households';
import { shanghaiDay } from '../../../db/time';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Invalid } from '../../lib/errors';
import { nameInitials } from '../../lib/identity';
import { getAreaInScope, getVillageInScope } from '../../lib/scope';
import { presentHousehold } from './present';
import { ID_NUMBER_IN_VILLAGE, ID_NUMBER_UNAVAILABLE, type CreateHouseholdBody } from './schemas';

export async function createHousehold(ctx: Ctx, body: CreateHouseholdBody) {
  const db = readDb(ctx.db);
  const village = await getVillageInScope(db, ctx.actor, body.villageId);
  if (body.groupId) {
    const group = await getAreaInScope(db, ctx.actor, body.groupId);
    if (group.kind !== 'group' || group.parentId !== village.id) throw new Invalid('村民小组不属于该村', undefined, 'invalid_group');
  }
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    if (body.idNumber) await lockIdNumber(tx, body.idNumber);
    const holder = body.idNumber ? await idNumberHolder(tx, body.idNumber) : undefined;
    if (holder) throw new Conflict('id_number_taken', holder.villageId === village.id ? ID_NUMBER_IN_VILLAGE : ID_NUMBER_UNAVAILABLE);
    const h = await insertHousehold(tx, {
      villageId: village.id,
      groupId: body.groupId ?? null,
      headName: body.headName,
      nameInitials: nameInitials(body.headName),
      doorNo: body.doorNo ?? null,
      phone: body.phone ?? null,
      idNumber: body.idNumber ?? null,
      category: body.category,
      createdAt: at,
    });
    await insertCategoryChange(tx, { householdId: h.id, category: body.category, validFrom: shanghaiDay(at), reason: '登记', changedBy: ctx.actor.userId, createdAt: at });
    const members = [{ name: body.headName, relation: 'head' as const, idNumber: body.idNumber, phone: body.phone, isProxy: false }, ...body.members.filter((m) => m.relation !== 'head')];
    for (const m of members) {
      await insertMember(tx, { householdId: h.id, name: m.name, relation: m.relation, idNumber: m.idNumber ?? null, phone: m.phone ?? null, isProxy: m.isProxy, createdAt: at });
    }
    await writeAudit(tx, ctx, { entity: 'household', entityId: h.id, action: 'household.create', areaId: village.id, after: { ...h, members } });
    return presentHousehold(ctx.actor, h);
  });
}
