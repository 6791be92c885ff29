import { householdMembers } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { getHouseholdInScopeSync } from '../../lib/scope';
import type { MemberInput } from './schemas';

export function addMember(ctx: Ctx, householdId: number, body: MemberInput) {
  const h = getHouseholdInScopeSync(ctx, householdId);
  return ctx.db.transaction((tx) => {
    const m = tx
      .insert(householdMembers)
      .values({ householdId, name: body.name, relation: body.relation, idNumber: body.idNumber ?? null, phone: body.phone ?? null, isProxy: body.isProxy, createdAt: ctx.now.getTime() })
      .returning()
      .get();
    writeAudit(tx, ctx, { entity: 'household_member', entityId: m.id, action: 'household_member.create', areaId: h.villageId, after: m });
    return { id: m.id, householdId, name: m.name, relation: m.relation, isProxy: m.isProxy };
  });
}
