import { and, count, desc, eq, inArray } from 'drizzle-orm';
import { areas, dishonestyListings, households } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { villageIdsInScopeSync } from '../../lib/scope';
import type { ListListingsQuery } from './schemas';

export function listListings(ctx: Ctx, query: ListListingsQuery) {
  const villageIds = villageIdsInScopeSync(ctx);
  if (!villageIds.length) return { items: [], total: 0 };
  const where = and(
    inArray(dishonestyListings.villageId, villageIds),
    query.status ? eq(dishonestyListings.status, query.status) : undefined,
    query.householdId ? eq(dishonestyListings.householdId, query.householdId) : undefined,
  );
  const items = ctx.db
    .select({ listing: dishonestyListings, headName: households.headName, doorNo: households.doorNo, villageName: areas.name })
    .from(dishonestyListings)
    .innerJoin(households, eq(households.id, dishonestyListings.householdId))
    .innerJoin(areas, eq(areas.id, dishonestyListings.villageId))
    .where(where)
    .orderBy(desc(dishonestyListings.id))
    .limit(query.limit)
    .offset(query.offset)
    .all()
    .map((r) => ({ ...r.listing, headName: r.headName, doorNo: r.doorNo, villageName: r.villageName }));
  const total = ctx.db.select({ n: count() }).from(dishonestyListings).where(where).get()?.n ?? 0;
  return { items, total };
}
