import { listAwardsPage } from '../../../db/awards/awards';
import { readDb } from '../../../db/client';
import { photosOfAwards } from '../../../db/evidence/evidence';
import type { Ctx } from '../../lib/context';
import { getVillageInScope, villageIdsInScope } from '../../lib/scope';
import type { ListAwardsQuery } from './schemas';

export async function listAwards(ctx: Ctx, query: ListAwardsQuery) {
  const db = readDb(ctx.db);
  const villageIds = query.villageId ? [(await getVillageInScope(db, ctx.actor, query.villageId)).id] : await villageIdsInScope(db, ctx.actor);
  if (!villageIds.length) return { items: [], total: 0 };
  const page = await listAwardsPage(db, {
    villageIds,
    // A household user sees only its own awards, whatever it asks for.
    onlyHouseholdId: ctx.actor.role === 'household' ? (ctx.actor.householdId ?? -1) : undefined,
    status: query.status,
    householdId: query.householdId,
    batchId: query.batchId,
    limit: query.limit,
    offset: query.offset,
  });
  // Photos are for those who handle proposals and for the household itself, never the counter.
  const photos = ctx.actor.role === 'clerk' ? new Map() : await photosOfAwards(db, page.items.map((i) => i.id));
  return { ...page, items: page.items.map((i) => ({ ...i, photos: photos.get(i.id) ?? [] })) };
}
