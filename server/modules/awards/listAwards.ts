import { listAwardsPage } from '../../../db/awards/awards';
import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { getVillageInScope, villageIdsInScope } from '../../lib/scope';
import type { ListAwardsQuery } from './schemas';

export async function listAwards(ctx: Ctx, query: ListAwardsQuery) {
  const db = readDb(ctx.db);
  const villageIds = query.villageId ? [(await getVillageInScope(db, ctx.actor, query.villageId)).id] : await villageIdsInScope(db, ctx.actor);
  if (!villageIds.length) return { items: [], total: 0 };
  return listAwardsPage(db, {
    villageIds,
    // A household user sees only its own awards, whatever it asks for.
    onlyHouseholdId: ctx.actor.role === 'household' ? (ctx.actor.householdId ?? -1) : undefined,
    status: query.status,
    householdId: query.householdId,
    batchId: query.batchId,
    limit: query.limit,
    offset: query.offset,
  });
}
