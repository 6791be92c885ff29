import { eq } from 'drizzle-orm';
import { areas, users } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { publicUser } from './publicUser';

export function getMe(ctx: Ctx) {
  const row = ctx.db
    .select({ user: users, areaName: areas.name, areaKind: areas.kind })
    .from(users)
    .innerJoin(areas, eq(areas.id, users.areaId))
    .where(eq(users.id, ctx.actor.userId))
    .get();
  if (!row) throw new NotFound();
  return { user: { ...publicUser(row.user), areaName: row.areaName, areaKind: row.areaKind } };
}
