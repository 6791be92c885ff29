import { eq } from 'drizzle-orm';
import { areas, boardPublications } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import type { PublicationRow } from './publicationView';

/** A publication whose area lies in the actor's area; 404 otherwise. */
export function loadPublication(ctx: Ctx, id: number): PublicationRow {
  const row = ctx.db.select({ p: boardPublications, path: areas.path }).from(boardPublications).innerJoin(areas, eq(areas.id, boardPublications.areaId)).where(eq(boardPublications.id, id)).get();
  if (!row || !pathWithin(ctx.actor, row.path)) throw new NotFound('发布申请不存在');
  return row.p;
}
