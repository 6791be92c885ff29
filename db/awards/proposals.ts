import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { areas, households } from '../schema';

export interface ProposalHousehold {
  id: number;
  villageId: number;
  status: 'active' | 'archived';
  villagePath: string;
}

/** Households by id with their village and status, as a proposal checks them; unknown ids are absent. */
export async function proposalHouseholds(db: Db, ids: readonly number[]): Promise<ProposalHousehold[]> {
  return selectInChunks([...new Set(ids)], (part) =>
    db
      .select({ id: households.id, villageId: households.villageId, status: households.status, villagePath: areas.path })
      .from(households)
      .innerJoin(areas, eq(areas.id, households.villageId))
      .where(inArray(households.id, part))
      .all(),
  );
}
