import { listingWithVillagePath, type ListingRow } from '../../../db/credit/listings';
import type { Db } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';

export type { ListingRow } from '../../../db/credit/listings';

/** A listing in the actor's area (404 otherwise). */
export async function loadListing(db: Db, actor: Ctx['actor'], id: number): Promise<ListingRow> {
  const row = await listingWithVillagePath(db, id);
  if (!row || !pathWithin(actor, row.villagePath)) throw new NotFound('失信记录不存在');
  return row.listing;
}
