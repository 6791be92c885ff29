import { readDb } from '../../../db/client';
import { listRedemptionsOf } from '../../../db/counter/redemptions';
import type { Ctx } from '../../lib/context';
import { villageIdsInScope } from '../../lib/scope';
import type { ListRedemptionsQuery } from './schemas';

export async function listRedemptions(ctx: Ctx, query: ListRedemptionsQuery) {
  const db = readDb(ctx.db);
  const villageIds = await villageIdsInScope(db, ctx.actor);
  let householdId = query.householdId;
  // A household sees only its own; asking for another's finds nothing.
  if (ctx.actor.role === 'household') {
    const own = ctx.actor.householdId ?? -1;
    if (householdId !== undefined && householdId !== own) return { items: [], total: 0 };
    householdId = own;
  }
  return listRedemptionsOf(db, {
    villageIds,
    householdId,
    clerkId: ctx.actor.role === 'clerk' ? ctx.actor.userId : undefined,
    limit: query.limit,
    offset: query.offset,
  });
}
