import { readDb } from '../../../db/client';
import { fundEntryById, insertFundEntry, reversalOf } from '../../../db/funds/entries';
import { lockFundEntry } from '../../../db/pg/locks';
import { shanghaiDay } from '../../../db/time';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, NotFound, Unprocessable } from '../../lib/errors';
import { getManagedStore } from '../goods/stores';
import type { ReverseFundBody } from './schemas';

/**
 * Undoes a money entry by appending its exact opposite, booked today (a closed month is never
 * rewritten). A reversal itself is not reversed: record the entry again instead. Reversing a purchase
 * cost leaves the goods in stock: it says the money was not spent as recorded, and the purchase can be
 * costed again.
 */
export async function reverseFundEntry(ctx: Ctx, id: number, body: ReverseFundBody) {
  const db = readDb(ctx.db);
  const original = await fundEntryById(db, id);
  if (!original) throw new NotFound('记录不存在');
  // Same answer as a missing entry for an entry of a store the actor does not keep.
  await getManagedStore(db, ctx.actor, original.storeAreaId).catch(() => {
    throw new NotFound('记录不存在');
  });
  if (original.kind === 'reversal') throw new Unprocessable('not_reversible', '冲正记录不能再冲正');
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    await lockFundEntry(tx, id); // PostgreSQL: a parallel reversal waits here, then reads this one's
    const existing = await reversalOf(tx, id);
    if (existing) throw new Conflict('already_reversed', '该记录已冲正', { reversalId: existing.id });
    const reversal = await insertFundEntry(tx, {
      storeAreaId: original.storeAreaId,
      kind: 'reversal',
      amountFen: -original.amountFen,
      onDay: shanghaiDay(at),
      goodsId: original.goodsId,
      quantity: original.quantity,
      reversesId: original.id,
      note: body.reason,
      createdBy: ctx.actor.userId,
      createdAt: at,
    });
    await writeAudit(tx, ctx, { entity: 'fund_entry', entityId: original.id, action: 'fund_entry.reverse', areaId: original.storeAreaId, before: original, after: reversal });
    return reversal;
  });
}
