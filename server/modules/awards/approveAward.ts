import { eq, inArray } from 'drizzle-orm';
import { reviewPendingAward } from '../../../db/awards';
import { inTransaction } from '../../../db/transaction';
import { areas, awards } from '../../../db/schema';
import { writeAuditFast } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { resolveSettings } from '../areas/resolveSettings';
import type { AwardRow } from './loadAward';
import { postAward } from './postAward';

const DAY_MS = 86_400_000;

export interface ApprovalResult {
  id: number;
  status: 'notice' | 'posted';
  noticeEndsAt: number | null;
  ledgerEntryId: number | null;
}

/** Approves pending awards: each goes on public notice for the village's noticeDays, or posts at once when it is 0. */
export function approveMany(ctx: Ctx, ids: number[]): ApprovalResult[] {
  const rows = ctx.db
    .select({ award: awards, villagePath: areas.path })
    .from(awards)
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .where(inArray(awards.id, ids))
    .all()
    .filter((r) => pathWithin(ctx.actor, r.villagePath));
  if (rows.length !== new Set(ids).size) throw new NotFound('申报不存在');
  const own = rows.filter((r) => r.award.proposedBy === ctx.actor.userId);
  if (own.length) throw new Forbidden('不能审核自己提交的申报', 'own_proposal');
  const noticeDaysByVillage = new Map<number, number>();
  for (const r of rows) {
    if (!noticeDaysByVillage.has(r.award.villageId)) noticeDaysByVillage.set(r.award.villageId, resolveSettings(ctx.db, r.villagePath).noticeDays);
  }
  const at = ctx.now.getTime();
  // Batches approve hundreds of awards: prepared statements and one reusable transaction wrapper.
  return inTransaction(ctx.db, () => {
    const results: ApprovalResult[] = [];
    for (const { award } of rows) {
      const days = noticeDaysByVillage.get(award.villageId)!;
      const noticeEndsAt = days > 0 ? at + days * DAY_MS : null;
      // The status guard makes approve/reject races end with exactly one outcome.
      if (!reviewPendingAward(ctx.db, award.id, days > 0 ? 'notice' : 'posted', ctx.actor.userId, at, noticeEndsAt)) {
        throw new Conflict('invalid_status', `申报 ${award.id} 已处理，不能再审核`);
      }
      let ledgerEntryId: number | null = null;
      if (days === 0) ledgerEntryId = postAward(ctx.db, award as AwardRow, at, ctx.actor.userId);
      const result: ApprovalResult = { id: award.id, status: days > 0 ? 'notice' : 'posted', noticeEndsAt, ledgerEntryId };
      writeAuditFast(ctx.db, ctx, { entity: 'award', entityId: award.id, action: 'award.approve', areaId: award.villageId, before: { status: award.status }, after: result });
      results.push(result);
    }
    return results;
  });
}

export function approveAward(ctx: Ctx, awardId: number): ApprovalResult {
  return approveMany(ctx, [awardId])[0];
}
