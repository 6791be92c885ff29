import { readDb } from '../../../db/client';
import { insertMember } from '../../../db/households/households';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { getHouseholdInScope } from '../../lib/scope';
import type { MemberInput } from './schemas';

export async function addMember(ctx: Ctx, householdId: number, body: MemberInput) {
  const h = await getHouseholdInScope(readDb(ctx.db), ctx.actor, householdId);
  return transaction(ctx.db, async (tx) => {
    const m = await insertMember(tx, {
      householdId,
      name: body.name,
      relation: body.relation,
      idNumber: body.idNumber ?? null,
      phone: body.phone ?? null,
      isProxy: body.isProxy,
      createdAt: ctx.now.getTime(),
    });
    await writeAudit(tx, ctx, { entity: 'household_member', entityId: m.id, action: 'household_member.create', areaId: h.villageId, after: m });
    return { id: m.id, householdId, name: m.name, relation: m.relation, isProxy: m.isProxy };
  });
}
