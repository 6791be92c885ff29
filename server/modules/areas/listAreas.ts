import { areasUnder } from '../../../db/areas';
import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';

/** The actor's area and everything below it. */
export async function listAreas(ctx: Ctx) {
  return { items: await areasUnder(readDb(ctx.db), ctx.actor.areaPath) };
}
