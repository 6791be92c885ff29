import { objectionsByUsers } from '../../../db/awards/objections';
import type { Db } from '../../../db/client';
import { householdAccountIds } from '../../../db/users/users';
import { resolveSettings } from '../areas/resolveSettings';
import { publicName } from '../public/publicName';

/**
 * The objections the household raised (from any of its logins), newest first, with their state and the
 * reviewers' answer: the award leaves the notice board once decided, so this is where the outcome stays
 * visible. The award's household is named as the public notice names it (masked).
 */
export async function householdObjections(db: Db, householdId: number, limit = 20) {
  const rows = await objectionsByUsers(db, await householdAccountIds(db, householdId), limit);
  const masks = new Map<string, 'name' | 'door'>();
  const out = [];
  for (const r of rows) {
    let mode = masks.get(r.villagePath);
    if (!mode) masks.set(r.villagePath, (mode = (await resolveSettings(db, r.villagePath)).maskMode));
    out.push({
      id: r.id,
      awardId: r.awardId,
      status: r.status,
      resolution: r.resolution,
      createdAt: r.createdAt,
      resolvedAt: r.resolvedAt,
      awardStatus: r.awardStatus,
      name: publicName(mode, r.headName, r.doorNo),
      rule: r.ruleName,
      points: r.points,
      occurredOn: r.occurredOn,
    });
  }
  return out;
}
