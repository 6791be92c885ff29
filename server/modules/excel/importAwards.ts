import { insertAwardBatch, insertAwards } from '../../../db/awards/awards';
import { readDb } from '../../../db/client';
import { lockVillageChain } from '../../../db/ledger';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Unprocessable } from '../../lib/errors';
import { checkScoreSheet, confirmScoreRows, readScoreSheet, scoreSheetErrors, summariseScores } from './checkAwardRows';
import type { AwardImportBody } from './schemas';

/**
 * Turns a checked score sheet into pending awards (one batch per rule) that then go through the normal
 * review. All or nothing: the sheet is checked row by row first, then what the rows rely on is checked
 * again inside the one transaction that writes them (under the village lock), and any bad row stops it.
 */
export async function importAwards(ctx: Ctx, body: AwardImportBody) {
  const { village, sheet } = await readScoreSheet(ctx, body);
  const rows = await checkScoreSheet(readDb(ctx.db), village, sheet, body.occurredOn);
  const counts = summariseScores(rows);
  if (counts.error) throw scoreSheetErrors(rows);
  const proposing = rows.filter((r) => r.action === 'propose');
  if (!proposing.length) throw new Unprocessable('nothing_to_import', '表中没有填写数量的行，没有可申报的积分');
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    await lockVillageChain(tx, village.id);
    const rules = await confirmScoreRows(tx, village, proposing, body.occurredOn);
    const batches: { batchId: number; ruleId: number; count: number; totalPoints: number; ids: number[] }[] = [];
    for (const ruleId of new Set(proposing.map((r) => r.ruleId!))) {
      const rule = rules.get(ruleId)!;
      const items = proposing.filter((r) => r.ruleId === ruleId);
      const batch = await insertAwardBatch(tx, {
        villageId: village.id,
        ruleId,
        occurredOn: body.occurredOn,
        count: items.length,
        note: body.note ?? `表格导入：${body.file.filename}`.slice(0, 500),
        proposedBy: ctx.actor.userId,
        createdAt: at,
      });
      const values = items.map((r) => ({
        householdId: r.householdId!,
        villageId: village.id,
        ruleId,
        ruleVersionId: rule.currentVersionId!,
        batchId: batch.id,
        quantity: r.quantity!,
        points: rule.points * r.quantity!,
        occurredOn: body.occurredOn,
        note: body.note ?? null,
        status: 'pending' as const,
        proposedBy: ctx.actor.userId,
        proposedAt: at,
      }));
      const ids = await insertAwards(tx, values);
      const totalPoints = values.reduce((s, v) => s + v.points, 0);
      await writeAudit(tx, ctx, { entity: 'award_batch', entityId: batch.id, action: 'award_batch.propose', areaId: village.id, after: { ...batch, awardIds: ids, totalPoints } });
      batches.push({ batchId: batch.id, ruleId, count: ids.length, totalPoints, ids });
    }
    const result = { villageId: village.id, occurredOn: body.occurredOn, filename: body.file.filename, ...counts, batches, status: 'pending' as const };
    await writeAudit(tx, ctx, { entity: 'award_import', entityId: village.id, action: 'award.import', areaId: village.id, after: { ...result, batches: batches.map(({ ids: _ids, ...b }) => b) } });
    return result;
  });
}
