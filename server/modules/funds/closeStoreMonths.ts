import { applyCloses, lastClosableMonth, planCloses, storeIds } from '../../../db/funds/closes';
import { sqlOf } from '../../../db/sql';
import { transaction } from '../../../db/transaction';
import { writeAudit, type AuditCtx } from '../../lib/audit';
import type { Db } from '../../../db/client';

/**
 * Closes every store's months through last month (db/funds/closes.ts lastClosableMonth), in order, and
 * rewrites closes a late entry has reached back into: the statements and the dashboard then replay only
 * what follows the last close. Read on the primary, written per store in one transaction with its audit
 * row (system actor); a store another run changed meanwhile is left to it. Idempotent: a second run, or
 * two at once, writes nothing more. Returns the months written per store.
 */
export async function closeStoreMonths(ctx: { db: Db } & AuditCtx): Promise<{ stores: number; months: number }> {
  const now = ctx.now.getTime();
  const through = lastClosableMonth(now);
  const q = sqlOf(ctx.db);
  let stores = 0;
  let months = 0;
  for (const storeAreaId of await storeIds(q)) {
    const plan = await planCloses(q, storeAreaId, through, now);
    const staleAfter = plan.seen.some((s) => plan.keepThrough === null || s.month > plan.keepThrough);
    if (!plan.rows.length && !staleAfter) continue;
    const written = await transaction(ctx.db, async (tx) => {
      const w = await applyCloses(sqlOf(tx), plan);
      if (w.length || staleAfter)
        await writeAudit(tx, ctx, {
          entity: 'store_month',
          entityId: storeAreaId,
          action: 'store_month.close',
          areaId: storeAreaId,
          after: { months: w, keptThrough: plan.keepThrough, stoppedAt: plan.stoppedAt ?? null },
        });
      return w;
    });
    if (written.length) stores++;
    months += written.length;
  }
  return { stores, months };
}
