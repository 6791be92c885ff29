import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { getAreaInScope } from '../../lib/scope';
import { headingsInForce } from './headings';

/** The catalogue headings of an area: the template's, those inherited from above and its own. */
export async function listHeadings(ctx: Ctx, areaId: number) {
  const db = readDb(ctx.db);
  const area = await getAreaInScope(db, ctx.actor, areaId);
  return { items: await headingsInForce(db, area) };
}
