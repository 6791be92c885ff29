import { readDb } from '../../../db/client';
import { listUsersUnder } from '../../../db/users/users';
import type { Ctx } from '../../lib/context';
import { mayManage } from './policy';
import type { ListUsersQuery } from './schemas';

export async function listUsers(ctx: Ctx, query: ListUsersQuery) {
  const { items, total } = await listUsersUnder(readDb(ctx.db), { areaPath: ctx.actor.areaPath, q: query.q, limit: query.limit, offset: query.offset });
  return {
    // The screen offers reset and disable only where the server would allow them.
    items: items.map(({ areaPath, ...u }) => ({ ...u, manageable: mayManage(ctx.actor, { role: u.role, areaPath }) })),
    total,
  };
}
