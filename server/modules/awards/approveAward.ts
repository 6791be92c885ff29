import { awardsWithVillagePaths } from '../../../db/awards/awards';
import { approvePendingAwards } from '../../../db/awards/posting';
import { readDb } from '../../../db/client';
import { lockVillageChain } from '../../../db/ledger';
import { transaction } from '../../../db/transaction';
import { writeAudits } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Forbidden, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { resolveSettings } from '../areas/resolveSettings';
import { awardLedgerEntry, ruleCategories } from './postAward';

const DAY_MS = 86_400_000;

export interface ApprovalResult {
  id: number;
  status: 'notice' | 'posted';
  noticeEndsAt: number | null;
  ledgerEntryId: number | null;
}

/** Approves pending awards: each goes on public notice for the village's noticeDays, or posts at once when it is 0. */
export async function approveMany(ctx: Ctx, ids: number[]): Promise<ApprovalResult[]> {
  // Who proposed an award and where it lies never change, so they are checked before the transaction;
  // its status is re-checked inside by the guarded update.
  const rows = (await awardsWithVillagePaths(readDb(ctx.db), ids)).filter((r) => pathWithin(ctx.actor, r.villagePath));
  if (rows.length !== new Set(ids).size) throw new NotFound('申报不存在');
  if (rows.some((r) => r.proposedBy === ctx.actor.userId)) throw new Forbidden('不能审核自己提交的申报', 'own_proposal');
  const villagePaths = new Map(rows.map((r) => [r.villageId, r.villagePath]));
  const at = ctx.now.getTime();
  // A batch approves hundreds: one transaction, categories read once, every write a few multi-row statements.
  return transaction(ctx.db, async (tx) => {
    const noticeDays = new Map<number, number>();
    for (const villageId of [...villagePaths.keys()].sort((a, b) => a - b)) {
      await lockVillageChain(tx, villageId);
      noticeDays.set(villageId, (await resolveSettings(tx, villagePaths.get(villageId)!)).noticeDays);
    }
    const categories = await ruleCategories(tx, rows);
    const approvals = rows.map((award) => {
      const days = noticeDays.get(award.villageId)!;
      return {
        awardId: award.id,
        noticeEndsAt: days > 0 ? at + days * DAY_MS : null,
        entry: days > 0 ? null : awardLedgerEntry(award, categories.get(award.ruleId) ?? null, at, ctx.actor.userId),
      };
    });
    // Guarded by status: approve/reject races end with exactly one outcome (a lost one rolls the whole batch back).
    const approved = await approvePendingAwards(tx, approvals, ctx.actor.userId, at);
    if ('notPending' in approved) throw new Conflict('invalid_status', `申报 ${approved.notPending[0]} 已处理，不能再审核`);
    const results: ApprovalResult[] = approvals.map((a) => ({
      id: a.awardId,
      status: a.entry ? 'posted' : 'notice',
      noticeEndsAt: a.noticeEndsAt,
      ledgerEntryId: approved.ledgerEntryIds.get(a.awardId) ?? null,
    }));
    await writeAudits(
      tx,
      ctx,
      rows.map((award, i) => ({ entity: 'award', entityId: award.id, action: 'award.approve', areaId: award.villageId, before: { status: 'pending' }, after: results[i] })),
    );
    return results;
  });
}

export async function approveAward(ctx: Ctx, awardId: number): Promise<ApprovalResult> {
  return (await approveMany(ctx, [awardId]))[0];
}
