import { householdNoticeName, ruleVersionById, type AwardWithVillagePath } from '../../../db/awards/awards';
import { objectionsOfAward } from '../../../db/awards/objections';
import { readDb, type Db } from '../../../db/client';
import { photosOfAwards } from '../../../db/evidence/evidence';
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
async function noticeView(db: Db, ctx: Ctx, award: AwardWithVillagePath) {
  if (award.status !== 'notice') throw new NotFound('申报不存在');
  const h = await householdNoticeName(db, award.householdId);
  const rule = await ruleVersionById(db, award.ruleVersionId);
  const counts = { open: 0, upheld: 0, dismissed: 0 };
  let mine: { status: string; resolution: string | null } | null = null;
  for (const o of await objectionsOfAward(db, award.id)) {
    counts[o.status] += 1;
    if (o.userId === ctx.actor.userId) mine = { status: o.status, resolution: o.resolution };
  }
  const { maskMode } = await resolveSettings(db, award.villagePath);
  return {
    id: award.id,
    villageId: award.villageId,
    status: award.status,
    name: publicName(maskMode, h?.headName ?? '', h?.doorNo ?? null),
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
export async function getAward(ctx: Ctx, awardId: number) {
  const db = readDb(ctx.db);
  const loaded = await loadAward(db, ctx.actor, awardId);
  if (ctx.actor.role === 'household' && loaded.householdId !== ctx.actor.householdId) return noticeView(db, ctx, loaded);
  const { villagePath: _vp, ...award } = loaded;
  void _vp;
  const rule = (await ruleVersionById(db, award.ruleVersionId)) ?? null;
  const staff = ctx.actor.role !== 'household';
  const list = (await objectionsOfAward(db, awardId)).map((o) => ({
    id: o.id,
    reason: staff || o.userId === ctx.actor.userId ? o.reason : null,
    status: o.status,
    resolution: o.resolution,
    createdAt: o.createdAt,
    resolvedAt: o.resolvedAt,
    mine: o.userId === ctx.actor.userId,
  }));
  const photos = ctx.actor.role === 'clerk' ? [] : ((await photosOfAwards(db, [awardId])).get(awardId) ?? []);
  return { ...award, rule, objections: list, photos };
}
