import { readDb } from '../../../db/client';
import { lockGoods, moveStock } from '../../../db/goods/stock';
import { lockVillageChain, postLedgerEntry } from '../../../db/ledger';
import { ledgerEntryWithVillagePath, redemptionLines, reversalOf } from '../../../db/ledger/entries';
import { transaction } from '../../../db/transaction';
import { userById } from '../../../db/users/users';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden, NotFound, Unprocessable } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { withinAuthority } from '../users/policy';

/**
 * Undoes a ledger entry with an opposite entry (the original is never touched). It counts in the
 * original's period so the conduct score of that period is corrected. Reversing a redemption also
 * puts the goods back in stock. Only entries written by the actor, or by someone at its level or below
 * inside its area, may be undone: a village cadre cannot quietly cancel a county administrator's
 * adjustment or a township store's redemption. Entries the system wrote (scheduled posting, expiry) follow
 * the area rule alone.
 */
export async function reverseEntry(ctx: Ctx, entryId: number, reason: string) {
  const db = readDb(ctx.db);
  const row = await ledgerEntryWithVillagePath(db, entryId);
  if (!row || !pathWithin(ctx.actor, row.villagePath)) throw new NotFound('流水不存在');
  const { villagePath: _vp, ...original } = row;
  if (original.kind === 'reversal') throw new Unprocessable('not_reversible', '冲正记录不能再冲正');
  if (original.createdBy != null) {
    // Who wrote an entry never changes (entries are append-only), so this is decided once, outside.
    const author = await userById(db, original.createdBy);
    if (author && !withinAuthority(ctx.actor, author)) throw new Forbidden('这条流水由上级或其他区域的人员录入，只能由其本人或上级冲正', 'not_within_authority');
  }
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    await lockVillageChain(tx, original.villageId);
    if ((await reversalOf(tx, entryId)) !== undefined) throw new Conflict('already_reversed', '该流水已冲正');
    const lines = original.kind === 'redemption' && original.redemptionId ? await redemptionLines(tx, original.redemptionId) : [];
    // Goods of a shared township store are locked after the village, in id order.
    if (lines.length) await lockGoods(tx, lines.map((l) => l.goodsId));
    const entry = await postLedgerEntry(tx, {
      householdId: original.householdId,
      villageId: original.villageId,
      kind: 'reversal',
      points: -original.points,
      conductPoints: -original.conductPoints,
      occurredOn: original.occurredOn,
      ruleId: original.ruleId,
      category: original.category,
      awardId: original.awardId,
      redemptionId: original.redemptionId,
      reversesId: original.id,
      note: reason,
      createdBy: ctx.actor.userId,
      createdAt: at,
    });
    for (const line of lines) {
      await moveStock(tx, { goodsId: line.goodsId, kind: 'return', quantity: line.quantity, redemptionId: original.redemptionId, note: reason, createdBy: ctx.actor.userId, createdAt: at });
    }
    const result = { id: entry.id, kind: 'reversal' as const, points: entry.points, balanceAfter: entry.balanceAfter, reversesId: original.id };
    await writeAudit(tx, ctx, { entity: 'ledger_entry', entityId: entry.id, action: 'ledger_entry.reverse', areaId: original.villageId, before: original, after: { ...result, reason } });
    return result;
  });
}
