import { readDb } from '../../../db/client';
import { listListingsPage } from '../../../db/credit/listings';
import type { Ctx } from '../../lib/context';
import { villageIdsInScope } from '../../lib/scope';
import type { ListListingsQuery } from './schemas';

export async function listListings(ctx: Ctx, query: ListListingsQuery) {
  const db = readDb(ctx.db);
  const villageIds = await villageIdsInScope(db, ctx.actor);
  if (!villageIds.length) return { items: [], total: 0 };
  return listListingsPage(db, { villageIds, status: query.status, householdId: query.householdId, limit: query.limit, offset: query.offset });
}
