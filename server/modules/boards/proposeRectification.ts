import { and, eq, inArray } from 'drizzle-orm';
import { areas, awards, ledgerEntries, rectifications, ruleVersions, rules } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Conflict, Invalid, NotFound, Unprocessable } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { shanghaiDay } from '../../../db/time';
import type { ProposeRectificationBody } from './schemas';

/** Records 整改 for one standing black-list deduction; a reviewer other than the proposer decides. */
export function proposeRectification(ctx: Ctx, body: ProposeRectificationBody) {
  if (body.rectifiedOn > shanghaiDay(ctx.now.getTime())) throw new Invalid('整改日期不能晚于今天', undefined, 'future_date');
  const row = ctx.db
    .select({ entry: ledgerEntries, path: areas.path, versionBlack: ruleVersions.blackList, ruleBlack: rules.blackList })
    .from(ledgerEntries)
    .innerJoin(areas, eq(areas.id, ledgerEntries.villageId))
    .leftJoin(awards, eq(awards.id, ledgerEntries.awardId))
    .leftJoin(ruleVersions, eq(ruleVersions.id, awards.ruleVersionId))
    .leftJoin(rules, eq(rules.id, ledgerEntries.ruleId))
    .where(eq(ledgerEntries.id, body.ledgerEntryId))
    .get();
  if (!row || !pathWithin(ctx.actor, row.path)) throw new NotFound('流水不存在');
  const entry = row.entry;
  if (entry.kind !== 'deduction' || (row.versionBlack ?? row.ruleBlack) !== true) {
    throw new Unprocessable('not_black_listed', '只有黑榜扣分记录才能登记整改');
  }
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const reversed = tx.select({ id: ledgerEntries.id }).from(ledgerEntries).where(eq(ledgerEntries.reversesId, entry.id)).get();
    if (reversed) throw new Unprocessable('entry_reversed', '该扣分已冲正，不在黑榜上');
    const open = tx
      .select({ id: rectifications.id, status: rectifications.status })
      .from(rectifications)
      .where(and(eq(rectifications.ledgerEntryId, entry.id), inArray(rectifications.status, ['pending', 'approved'])))
      .get();
    if (open) throw new Conflict('rectification_exists', open.status === 'pending' ? '该记录已有待审核的整改' : '该记录已整改完毕');
    const r = tx
      .insert(rectifications)
      .values({
        ledgerEntryId: entry.id,
        householdId: entry.householdId,
        villageId: entry.villageId,
        note: body.note,
        rectifiedOn: body.rectifiedOn,
        proposedBy: ctx.actor.userId,
        proposedAt: at,
      })
      .returning()
      .get();
    writeAudit(tx, ctx, { entity: 'rectification', entityId: r.id, action: 'rectification.propose', areaId: entry.villageId, after: r });
    return { id: r.id, ledgerEntryId: r.ledgerEntryId, householdId: r.householdId, status: r.status, rectifiedOn: r.rectifiedOn };
  });
}
