import { and, asc, count, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import { households } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { getVillageInScopeSync, villageIdsInScopeSync } from '../../lib/scope';
import { presentHousehold } from './present';
import type { ListHouseholdsQuery } from './schemas';

// LIKE wildcards typed by a user are dropped rather than escaped: ESCAPE clauses differ between engines.
function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, '');
}

/** Search matches the head's name, door number, or pinyin initials ("zsm" finds 张三明). */
export function listHouseholds(ctx: Ctx, query: ListHouseholdsQuery) {
  const villageIds = query.villageId ? [getVillageInScopeSync(ctx, query.villageId).id] : villageIdsInScopeSync(ctx);
  if (villageIds.length === 0) return { items: [], total: 0 };
  const conditions: (SQL | undefined)[] = [inArray(households.villageId, villageIds)];
  if (ctx.actor.role === 'household') conditions.push(eq(households.id, ctx.actor.householdId ?? -1));
  if (query.groupId) conditions.push(eq(households.groupId, query.groupId));
  if (query.category) conditions.push(eq(households.category, query.category));
  if (query.status !== 'all') conditions.push(eq(households.status, query.status));
  if (query.q) {
    const q = escapeLike(query.q);
    const initials = escapeLike(query.q.toLowerCase());
    conditions.push(
      or(
        like(households.headName, `%${q}%`),
        like(households.doorNo, `%${q}%`),
        /^[a-z]+$/i.test(query.q) ? like(households.nameInitials, `${initials}%`) : undefined,
      ),
    );
  }
  const where = and(...conditions);
  const rows = ctx.db
    .select()
    .from(households)
    .where(where)
    // Shorter door numbers first puts 一组2号 before 一组10号 without engine-specific natural sorting.
    .orderBy(asc(households.villageId), asc(households.groupId), asc(sql`length(${households.doorNo})`), asc(households.doorNo), asc(households.id))
    .limit(query.limit)
    .offset(query.offset)
    .all();
  const total = ctx.db.select({ n: count() }).from(households).where(where).get()?.n ?? 0;
  return { items: rows.map((h) => presentHousehold(ctx.actor, h)), total };
}
