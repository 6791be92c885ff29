import { readDb } from '../../../db/client';
import { lockVillageChain, postLedgerEntry } from '../../../db/ledger';
import { shanghaiDay } from '../../../db/time';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { getHouseholdInScope } from '../../lib/scope';
import type { AdjustBody } from './schemas';

/** A manual correction by a county administrator (e.g. migrating paper balances); never counts as conduct. */
export async function adjustBalance(ctx: Ctx, householdId: number, body: AdjustBody) {
  const h = await getHouseholdInScope(readDb(ctx.db), ctx.actor, householdId);
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    await lockVillageChain(tx, h.villageId);
    const entry = await postLedgerEntry(tx, {
      householdId,
      villageId: h.villageId,
      kind: 'adjustment',
      points: body.points,
      conductPoints: 0,
      occurredOn: shanghaiDay(at),
      note: body.reason,
      createdBy: ctx.actor.userId,
      createdAt: at,
    });
    const result = { id: entry.id, kind: 'adjustment' as const, points: entry.points, balanceAfter: entry.balanceAfter };
    await writeAudit(tx, ctx, { entity: 'ledger_entry', entityId: entry.id, action: 'ledger_entry.adjust', areaId: h.villageId, after: { ...result, reason: body.reason } });
    return result;
  });
}
