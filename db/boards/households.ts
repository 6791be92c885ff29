import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { households } from '../schema';

/** What a public star page needs of a household: its village, its name and door number, and whether it is active. */
export async function householdForStars(db: Db, id: number): Promise<{ id: number; villageId: number; headName: string; doorNo: string | null; active: boolean } | undefined> {
  const h = db
    .select({ id: households.id, villageId: households.villageId, headName: households.headName, doorNo: households.doorNo, status: households.status })
    .from(households)
    .where(eq(households.id, id))
    .get();
  return h && { id: h.id, villageId: h.villageId, headName: h.headName, doorNo: h.doorNo, active: h.status === 'active' };
}
