import { asc, like } from 'drizzle-orm';
import { areas } from '../../../db/schema';
import type { Ctx } from '../../lib/context';

/** The actor's area and everything below it. */
export function listAreas(ctx: Ctx) {
  const rows = ctx.db
    .select({ id: areas.id, name: areas.name, kind: areas.kind, parentId: areas.parentId, path: areas.path })
    .from(areas)
    .where(like(areas.path, `${ctx.actor.areaPath}%`))
    .orderBy(asc(areas.path))
    .all();
  return { items: rows };
}
