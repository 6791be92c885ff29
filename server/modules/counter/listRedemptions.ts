import { readDb } from '../../../db/client';
import { listRedemptionsOf, redemptionReceipt } from '../../../db/counter/redemptions';
import { shanghaiDay } from '../../../db/time';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { pathWithin, villageIdsInScope } from '../../lib/scope';
import { clerkStoreId } from '../goods/stores';
import type { ListRedemptionsQuery } from './schemas';

/** Redemptions newest first: a household its own, a clerk its store's (any clerk of it), staff their area's. */
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
    storeAreaId: clerkStoreId(ctx.actor) ?? undefined,
    // "Today" is the calendar day in China, whatever the server's zone.
    since: query.today === '1' ? Date.parse(`${shanghaiDay(ctx.now.getTime())}T00:00:00+08:00`) : undefined,
    limit: query.limit,
    offset: query.offset,
  });
}

/** One redemption as a receipt to print again; outside what the actor may see it does not exist. */
export async function getRedemption(ctx: Ctx, id: number) {
  const r = await redemptionReceipt(readDb(ctx.db), id);
  const store = clerkStoreId(ctx.actor);
  const visible =
    r !== undefined &&
    pathWithin(ctx.actor, r.villagePath) &&
    (ctx.actor.role !== 'household' || r.householdId === ctx.actor.householdId) &&
    (store === null || r.storeAreaId === store);
  if (!visible) throw new NotFound('兑换记录不存在');
  const { villagePath: _path, clerkId: _clerk, ...receipt } = r;
  return receipt;
}
