import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { sqlOf } from '../sql';

export interface ProposalHousehold {
  id: number;
  villageId: number;
  status: 'active' | 'archived';
  villagePath: string;
}

/** Households by id with their village and status, as a proposal checks them; unknown ids are absent. */
export async function proposalHouseholds(db: Db, ids: readonly number[]): Promise<ProposalHousehold[]> {
  const q = sqlOf(db);
  return selectInChunks([...new Set(ids)], async (part) =>
    q.all<ProposalHousehold>(
      `SELECT h.id, h.village_id AS "villageId", h.status, a.path AS "villagePath"
         FROM households h JOIN areas a ON a.id = h.village_id
        WHERE h.id IN (${part.map(() => '?').join(', ')})
        ORDER BY h.id`,
      part,
    ),
  );
}
