import { and, eq, lte, notExists } from 'drizzle-orm';
import { awards, objections } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { PublicCtx } from '../../lib/context';
import { postAward } from './postAward';

/** Posts every award whose notice has ended without an open objection. Safe to run at any time, from anywhere. */
export function postDueAwards(ctx: PublicCtx, limit = 5000): { posted: number } {
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const due = tx
      .select()
      .from(awards)
      .where(
        and(
          eq(awards.status, 'notice'),
          lte(awards.noticeEndsAt, at),
          notExists(tx.select({ id: objections.id }).from(objections).where(and(eq(objections.awardId, awards.id), eq(objections.status, 'open')))),
        ),
      )
      .limit(limit)
      .all();
    for (const award of due) {
      const ledgerEntryId = postAward(ctx.db, award, at, null);
      writeAudit(tx, { ...ctx, actor: null }, { entity: 'award', entityId: award.id, action: 'award.post', areaId: award.villageId, before: { status: 'notice' }, after: { status: 'posted', ledgerEntryId } });
    }
    return { posted: due.length };
  });
}
