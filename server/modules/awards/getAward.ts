import { asc, eq } from 'drizzle-orm';
import { households, objections, ruleVersions } from '../../../db/schema';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { resolveSettings } from '../areas/resolveSettings';
import { publicName } from '../public/publicName';
import { loadAward } from './loadAward';

/**
 * Another household's award as a household may see it: exactly what the public notice (公示) shows —
 * masked name, rule, points, dates, objection counts — and whether it has objected itself. No member
 * name, note, evidence, proposer or reviewer. Off notice, it does not exist for them.
 */
function noticeView(ctx: Ctx, award: ReturnType<typeof loadAward>) {
  if (award.status !== 'notice') throw new NotFound('申报不存在');
  const h = ctx.db.select({ headName: households.headName, doorNo: households.doorNo }).from(households).where(eq(households.id, award.householdId)).get();
  const rule = ctx.db.select({ name: ruleVersions.name }).from(ruleVersions).where(eq(ruleVersions.id, award.ruleVersionId)).get();
  const counts = { open: 0, upheld: 0, dismissed: 0 };
  let mine: { status: string; resolution: string | null } | null = null;
  for (const o of ctx.db.select({ status: objections.status, userId: objections.userId, resolution: objections.resolution }).from(objections).where(eq(objections.awardId, award.id)).all()) {
    counts[o.status] += 1;
    if (o.userId === ctx.actor.userId) mine = { status: o.status, resolution: o.resolution };
  }
  return {
    id: award.id,
    villageId: award.villageId,
    status: award.status,
    name: publicName(resolveSettings(ctx.db, award.villagePath).maskMode, h?.headName ?? '', h?.doorNo ?? null),
    rule: rule?.name ?? null,
    quantity: award.quantity,
    points: award.points,
    occurredOn: award.occurredOn,
    noticeEndsAt: award.noticeEndsAt,
    objectionCounts: counts,
    myObjection: mine,
  };
}

/** One award with the rule version it was made under and its objections (objectors stay anonymous to non-staff). */
export function getAward(ctx: Ctx, awardId: number) {
  const loaded = loadAward(ctx, awardId);
  if (ctx.actor.role === 'household' && loaded.householdId !== ctx.actor.householdId) return noticeView(ctx, loaded);
  const { villagePath: _vp, ...award } = loaded;
  void _vp;
  const rule = ctx.db.select().from(ruleVersions).where(eq(ruleVersions.id, award.ruleVersionId)).get() ?? null;
  const staff = ctx.actor.role !== 'household';
  const list = ctx.db
    .select()
    .from(objections)
    .where(eq(objections.awardId, awardId))
    .orderBy(asc(objections.id))
    .all()
    .map((o) => ({
      id: o.id,
      reason: staff || o.userId === ctx.actor.userId ? o.reason : null,
      status: o.status,
      resolution: o.resolution,
      createdAt: o.createdAt,
      resolvedAt: o.resolvedAt,
      mine: o.userId === ctx.actor.userId,
    }));
  return { ...award, rule, objections: list };
}
