import { awardById } from '../../../db/awards/awards';
import { insertObjection, openObjectionOf } from '../../../db/awards/objections';
import { readDb } from '../../../db/client';
import { lockVillageChain } from '../../../db/ledger';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict } from '../../lib/errors';
import { loadAward, type AwardRow } from './loadAward';

function assertOnNotice(award: AwardRow, at: number): void {
  if (award.status !== 'notice' || (award.noticeEndsAt != null && award.noticeEndsAt <= at)) {
    throw new Conflict('not_on_notice', '该申报不在公示期内，不能提出异议');
  }
}

/** Anyone in the village may object while an award is on public notice; an open objection holds its posting. */
export async function objectToAward(ctx: Ctx, awardId: number, reason: string) {
  const award = await loadAward(readDb(ctx.db), ctx.actor, awardId);
  const at = ctx.now.getTime();
  assertOnNotice(award, at);
  return transaction(ctx.db, async (tx) => {
    // Posting due awards locks the village too: an objection lands before the posting or is refused after it.
    await lockVillageChain(tx, award.villageId);
    assertOnNotice((await awardById(tx, awardId))!, at);
    if (await openObjectionOf(tx, awardId, ctx.actor.userId)) throw new Conflict('objection_exists', '您已对该申报提出异议，正在处理中');
    const o = await insertObjection(tx, { awardId, userId: ctx.actor.userId, reason, createdAt: at });
    await writeAudit(tx, ctx, { entity: 'objection', entityId: o.id, action: 'objection.create', areaId: award.villageId, after: { awardId, reason } });
    return { id: o.id, awardId, status: o.status, createdAt: o.createdAt };
  });
}
