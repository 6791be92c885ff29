import { awardWithVillagePath, type AwardWithVillagePath } from '../../../db/awards/awards';
import type { Db } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';

export type { AwardRow } from '../../../db/awards/awards';

/** An award in the actor's area (404 otherwise), with its village's path. */
export async function loadAward(db: Db, actor: Ctx['actor'], awardId: number): Promise<AwardWithVillagePath> {
  const row = await awardWithVillagePath(db, awardId);
  if (!row || !pathWithin(actor, row.villagePath)) throw new NotFound('申报不存在');
  return row;
}
