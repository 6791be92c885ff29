import { eq } from 'drizzle-orm';
import { areas, ledgerEntries, redemptionItems, users } from '../../../db/schema';
import { appendLedgerEntry } from '../../../db/ledger';
import { applyStockMovement } from '../../../db/stock';
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
export function reverseEntry(ctx: Ctx, entryId: number, reason: string) {
  const row = ctx.db.select({ entry: ledgerEntries, villagePath: areas.path }).from(ledgerEntries).innerJoin(areas, eq(areas.id, ledgerEntries.villageId)).where(eq(ledgerEntries.id, entryId)).get();
  if (!row || !pathWithin(ctx.actor, row.villagePath)) throw new NotFound('流水不存在');
  const original = row.entry;
  if (original.kind === 'reversal') throw new Unprocessable('not_reversible', '冲正记录不能再冲正');
  if (original.createdBy != null) {
    const author = ctx.db.select({ id: users.id, role: users.role, areaPath: areas.path }).from(users).innerJoin(areas, eq(areas.id, users.areaId)).where(eq(users.id, original.createdBy)).get();
    if (author && !withinAuthority(ctx.actor, author)) throw new Forbidden('这条流水由上级或其他区域的人员录入，只能由其本人或上级冲正', 'not_within_authority');
  }
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const already = tx.select({ id: ledgerEntries.id }).from(ledgerEntries).where(eq(ledgerEntries.reversesId, entryId)).get();
    if (already) throw new Conflict('already_reversed', '该流水已冲正');
    const entry = appendLedgerEntry(ctx.db, {
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
    if (original.kind === 'redemption' && original.redemptionId) {
      const items = tx.select().from(redemptionItems).where(eq(redemptionItems.redemptionId, original.redemptionId)).all();
      for (const item of items) {
        applyStockMovement(ctx.db, { goodsId: item.goodsId, kind: 'return', quantity: item.quantity, redemptionId: original.redemptionId, note: reason, createdBy: ctx.actor.userId, createdAt: at });
      }
    }
    const result = { id: entry.id, kind: 'reversal' as const, points: entry.points, balanceAfter: entry.balanceAfter, reversesId: original.id };
    writeAudit(tx, ctx, { entity: 'ledger_entry', entityId: entry.id, action: 'ledger_entry.reverse', areaId: original.villageId, before: original, after: { ...result, reason } });
    return result;
  });
}
