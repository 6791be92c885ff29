import { asc, inArray } from 'drizzle-orm';
import { areas } from '../../../db/schema';
import type { PublicCtx } from '../../lib/context';

/** The county's townships and villages, so a visitor can find a board without knowing an id. */
export function listPublicAreas(ctx: PublicCtx) {
  const items = ctx.db
    .select({ id: areas.id, name: areas.name, kind: areas.kind, parentId: areas.parentId })
    .from(areas)
    .where(inArray(areas.kind, ['county', 'township', 'village']))
    .orderBy(asc(areas.parentId), asc(areas.id))
    .all();
  return { items };
}
