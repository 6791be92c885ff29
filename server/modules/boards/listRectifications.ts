import { listRectificationRows } from '../../../db/boards/rectifications';
import { readDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import type { ListRectificationsQuery } from './schemas';

/** Rectifications in the actor's area, newest first, with the household and the conduct they concern. */
export async function listRectifications(ctx: Ctx, q: ListRectificationsQuery) {
  const { rows, total } = await listRectificationRows(readDb(ctx.db), { path: ctx.actor.areaPath, status: q.status, villageId: q.villageId, limit: q.limit, offset: q.offset });
  return {
    items: rows.map((x) => ({
      ...x.rectification,
      village: x.village,
      headName: x.headName,
      conduct: x.conduct ?? '',
      occurredOn: x.occurredOn,
      points: -x.conductPoints,
      mine: x.rectification.proposedBy === ctx.actor.userId,
    })),
    total,
  };
}
