import { awardBatches, awards, rules } from '../../../db/schema';
import { inArray } from 'drizzle-orm';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Unprocessable } from '../../lib/errors';
import { checkScoreSheet, readScoreSheet, summariseScores } from './checkAwardRows';
import type { AwardImportBody } from './schemas';

/**
 * Turns a checked score sheet into pending awards (one batch per rule) that then go through the normal
 * review. All or nothing: the sheet is checked again inside the transaction and any bad row stops it.
 */
export async function importAwards(ctx: Ctx, body: AwardImportBody) {
  const { village, sheet } = await readScoreSheet(ctx, body);
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const rows = checkScoreSheet(tx, village, sheet, body.occurredOn);
    const counts = summariseScores(rows);
    if (counts.error) {
      throw new Unprocessable('import_has_errors', `有 ${counts.error} 行存在错误，请修改后重新上传`, { rows: rows.filter((r) => r.errors.length).map((r) => ({ row: r.row, errors: r.errors })) });
    }
    const proposing = rows.filter((r) => r.action === 'propose');
    if (!proposing.length) throw new Unprocessable('nothing_to_import', '表中没有填写数量的行，没有可申报的积分');
    const ruleIds = [...new Set(proposing.map((r) => r.ruleId!))];
    const ruleRows = new Map(tx.select().from(rules).where(inArray(rules.id, ruleIds)).all().map((r) => [r.id, r]));
    const batches: { batchId: number; ruleId: number; count: number; totalPoints: number; ids: number[] }[] = [];
    for (const ruleId of ruleIds) {
      const rule = ruleRows.get(ruleId)!;
      const items = proposing.filter((r) => r.ruleId === ruleId);
      const batch = tx
        .insert(awardBatches)
        .values({ villageId: village.id, ruleId, occurredOn: body.occurredOn, count: items.length, note: body.note ?? `表格导入：${body.file.filename}`.slice(0, 500), proposedBy: ctx.actor.userId, createdAt: at })
        .returning()
        .get();
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
      const ids: number[] = [];
      // Stay well inside SQLite's bound-variable limit per statement.
      for (let i = 0; i < values.length; i += 200) ids.push(...tx.insert(awards).values(values.slice(i, i + 200)).returning({ id: awards.id }).all().map((r) => r.id));
      const totalPoints = values.reduce((s, v) => s + v.points, 0);
      writeAudit(tx, ctx, { entity: 'award_batch', entityId: batch.id, action: 'award_batch.propose', areaId: village.id, after: { ...batch, awardIds: ids, totalPoints } });
      batches.push({ batchId: batch.id, ruleId, count: ids.length, totalPoints, ids });
    }
    const result = { villageId: village.id, occurredOn: body.occurredOn, filename: body.file.filename, ...counts, batches, status: 'pending' as const };
    writeAudit(tx, ctx, { entity: 'award_import', entityId: village.id, action: 'award.import', areaId: village.id, after: { ...result, batches: batches.map(({ ids: _ids, ...b }) => b) } });
    return result;
  });
}
