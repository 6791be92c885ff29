import { and, asc, count, eq, like, or } from 'drizzle-orm';
import { areas, users } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { mayManage } from './policy';
import type { ListUsersQuery } from './schemas';

export function listUsers(ctx: Ctx, query: ListUsersQuery) {
  const where = and(
    like(areas.path, `${ctx.actor.areaPath}%`),
    query.q ? or(like(users.username, `%${query.q}%`), like(users.displayName, `%${query.q}%`)) : undefined,
  );
  const items = ctx.db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      areaId: users.areaId,
      areaName: areas.name,
      areaPath: areas.path,
      householdId: users.householdId,
      active: users.active,
    })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(where)
    .orderBy(asc(areas.path), asc(users.username))
    .limit(query.limit)
    .offset(query.offset)
    .all()
    // The screen offers reset and disable only where the server would allow them.
    .map(({ areaPath, ...u }) => ({ ...u, manageable: mayManage(ctx.actor, { role: u.role, areaPath }) }));
  const total = ctx.db.select({ n: count() }).from(users).innerJoin(areas, eq(areas.id, users.areaId)).where(where).get()?.n ?? 0;
  return { items, total };
}
