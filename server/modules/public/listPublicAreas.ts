import { publicAreaList } from '../../../db/boards/areas';
import { replicaDb } from '../../../db/client';
import type { PublicCtx } from '../../lib/context';

/** The county's townships and villages, so a visitor can find a board without knowing an id. */
export async function listPublicAreas(ctx: PublicCtx) {
  return { items: await publicAreaList(replicaDb(ctx.db)) };
}
