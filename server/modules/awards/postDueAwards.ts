import { dueAwards } from '../../../db/awards/awards';
import { readDb } from '../../../db/client';
import { lockVillageChain } from '../../../db/ledger';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx, SystemCtx } from '../../lib/context';
import { postAward, ruleCategories } from './postAward';

/**
 * Posts every award whose notice has ended without an open objection. Safe to run at any time, from
 * anywhere. The scheduler runs it without an actor (audited as `system`, every village); an admin who
 * runs it is audited as themselves and posts only in their own area.
 */
export async function postDueAwards(ctx: SystemCtx | Ctx, limit = 5000): Promise<{ posted: number }> {
  const { actor } = ctx;
  const at = ctx.now.getTime();
  // Found on the read connection first, so a minute with nothing due never takes the write lock.
  const found = await dueAwards(readDb(ctx.db), at, limit, actor?.areaPath);
  if (!found.length) return { posted: 0 };
  const locked = new Set(found.map((a) => a.villageId));
  return transaction(ctx.db, async (tx) => {
    for (const villageId of [...locked].sort((a, b) => a - b)) await lockVillageChain(tx, villageId);
    // Read again under the locks: an objection, a resolution or another run may have landed since.
    const due = await dueAwards(tx, at, limit, actor?.areaPath);
    const categories = await ruleCategories(tx, due);
    let posted = 0;
    for (const award of due) {
      if (!locked.has(award.villageId)) continue; // became due after the first read: the next run posts it
      const ledgerEntryId = await postAward(tx, award, at, actor?.userId ?? null, categories);
      await writeAudit(tx, ctx, { entity: 'award', entityId: award.id, action: 'award.post', areaId: award.villageId, before: { status: 'notice' }, after: { status: 'posted', ledgerEntryId } });
      posted++;
    }
    return { posted };
  });
}
