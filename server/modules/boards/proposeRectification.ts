import { insertRectification, isEntryReversed, openRectification, rectifiableEntry } from '../../../db/boards/rectifications';
import { readDb } from '../../../db/client';
import { lockVillageChain } from '../../../db/ledger';
import { shanghaiDay } from '../../../db/time';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Invalid, NotFound, Unprocessable } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import type { ProposeRectificationBody } from './schemas';

/** Records 整改 for one standing black-list deduction; a reviewer other than the proposer decides. */
export async function proposeRectification(ctx: Ctx, body: ProposeRectificationBody) {
  if (body.rectifiedOn > shanghaiDay(ctx.now.getTime())) throw new Invalid('整改日期不能晚于今天', undefined, 'future_date');
  const entry = await rectifiableEntry(readDb(ctx.db), body.ledgerEntryId);
  if (!entry || !pathWithin(ctx.actor, entry.villagePath)) throw new NotFound('流水不存在');
  if (entry.kind !== 'deduction' || !entry.blackListed) throw new Unprocessable('not_black_listed', '只有黑榜扣分记录才能登记整改');
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    // Serialises with reversals and other rectifications of the village's entries (FOR UPDATE on PostgreSQL).
    await lockVillageChain(tx, entry.villageId);
    if (await isEntryReversed(tx, entry.id)) throw new Unprocessable('entry_reversed', '该扣分已冲正，不在黑榜上');
    const open = await openRectification(tx, entry.id);
    if (open) throw new Conflict('rectification_exists', open.status === 'pending' ? '该记录已有待审核的整改' : '该记录已整改完毕');
    const r = await insertRectification(tx, {
      ledgerEntryId: entry.id,
      householdId: entry.householdId,
      villageId: entry.villageId,
      note: body.note,
      rectifiedOn: body.rectifiedOn,
      proposedBy: ctx.actor.userId,
      proposedAt: at,
    });
    await writeAudit(tx, ctx, { entity: 'rectification', entityId: r.id, action: 'rectification.propose', areaId: entry.villageId, after: r });
    return { id: r.id, ledgerEntryId: r.ledgerEntryId, householdId: r.householdId, status: r.status, rectifiedOn: r.rectifiedOn };
  });
}
