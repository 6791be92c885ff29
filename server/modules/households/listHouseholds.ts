import { readDb } from '../../../db/client';
import { listHouseholdsPage } from '../../../db/households/households';
import type { Ctx } from '../../lib/context';
import { getVillageInScope, villageIdsInScope } from '../../lib/scope';
import { presentHousehold } from './present';
import type { ListHouseholdsQuery } from './schemas';

// LIKE wildcards typed by a user are dropped rather than escaped: ESCAPE clauses differ between engines.
function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, '');
}

/** Search matches the head's name, door number, or pinyin initials ("zsm" finds 张三明). */
export async function listHouseholds(ctx: Ctx, query: ListHouseholdsQuery) {
  const db = readDb(ctx.db);
  const villageIds = query.villageId ? [(await getVillageInScope(db, ctx.actor, query.villageId)).id] : await villageIdsInScope(db, ctx.actor);
  const { items, total } = await listHouseholdsPage(db, {
    villageIds,
    householdId: ctx.actor.role === 'household' ? (ctx.actor.householdId ?? -1) : undefined,
    groupId: query.groupId,
    category: query.category,
    status: query.status === 'all' ? undefined : query.status,
    text: query.q ? escapeLike(query.q) : undefined,
    initials: query.q && /^[a-z]+$/i.test(query.q) ? escapeLike(query.q.toLowerCase()) : undefined,
    limit: query.limit,
    offset: query.offset,
  });
  return { items: items.map((h) => presentHousehold(ctx.actor, h)), total };
}
