import type { Db } from '../client';
import { sqlOf } from '../sql';

/** What a public star page needs of a household: its village, its name and door number, and whether it is active. */
export async function householdForStars(db: Db, id: number): Promise<{ id: number; villageId: number; headName: string; doorNo: string | null; active: boolean } | undefined> {
  const h = await sqlOf(db).get<{ id: number; villageId: number; headName: string; doorNo: string | null; status: string }>(
    'SELECT id, village_id AS "villageId", head_name AS "headName", door_no AS "doorNo", status FROM households WHERE id = ?',
    [id],
  );
  return h && { id: h.id, villageId: h.villageId, headName: h.headName, doorNo: h.doorNo, active: h.status === 'active' };
}
