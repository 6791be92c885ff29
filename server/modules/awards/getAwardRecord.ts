import { ruleVersionById } from '../../../db/awards/awards';
import { awardRecordParts, userNames } from '../../../db/awards/awardRecord';
import { objectionsOfAward } from '../../../db/awards/objections';
import { readDb } from '../../../db/client';
import { photosOfAwards } from '../../../db/evidence/evidence';
import type { Ctx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { headingNamer } from '../rules/headings';
import { loadAward } from './loadAward';

type Step = 'proposed' | 'approved' | 'rejected' | 'objected' | 'objection_upheld' | 'objection_dismissed' | 'notice_ends' | 'posted' | 'reversed';

/**
 * One award as its record page shows it: household, rule and heading, points, status, what happened to it
 * in order (proposed, reviewed, objections, posted, reversed), its photos and the ledger entries it made.
 * Staff of the award's area see everything; a household only its own awards, with objectors anonymous,
 * staff named by role, and no notes staff wrote for each other (review and objection decisions stay, as
 * they are the household's answer). Anything out of scope is a 404; the route keeps clerks out (403).
 */
export async function getAwardRecord(ctx: Ctx, awardId: number) {
  const db = readDb(ctx.db);
  const { villagePath: _vp, ...award } = await loadAward(db, ctx.actor, awardId);
  void _vp;
  const household = ctx.actor.role === 'household';
  if (household && award.householdId !== ctx.actor.householdId) throw new NotFound('申报不存在');

  const [rule, parts, objections, photos] = [
    await ruleVersionById(db, award.ruleVersionId),
    await awardRecordParts(db, award),
    await objectionsOfAward(db, award.id),
    (await photosOfAwards(db, [award.id])).get(award.id) ?? [],
  ];
  const heading = await headingNamer(db, [rule?.category]);
  const names = household
    ? new Map<number, string>()
    : await userNames(db, [award.proposedBy, award.reviewedBy, ...objections.map((o) => o.resolvedBy), parts.entry?.createdBy ?? null, parts.reversal?.createdBy ?? null]);
  const who = (id: number | null) => (id === null ? null : (names.get(id) ?? null));

  const history: { step: Step; at: number; by: string | null; text: string | null }[] = [{ step: 'proposed', at: award.proposedAt, by: who(award.proposedBy), text: null }];
  if (award.reviewedAt !== null) {
    const rejected = award.status === 'rejected';
    history.push({ step: rejected ? 'rejected' : 'approved', at: award.reviewedAt, by: who(award.reviewedBy), text: rejected ? award.rejectReason : null });
  }
  for (const o of objections) {
    const ownObjection = o.userId === ctx.actor.userId;
    history.push({ step: 'objected', at: o.createdAt, by: null, text: !household || ownObjection ? o.reason : null });
    if (o.resolvedAt !== null && o.status !== 'open') {
      history.push({ step: o.status === 'upheld' ? 'objection_upheld' : 'objection_dismissed', at: o.resolvedAt, by: who(o.resolvedBy), text: o.resolution });
    }
  }
  if (award.noticeEndsAt !== null && award.status === 'notice') history.push({ step: 'notice_ends', at: award.noticeEndsAt, by: null, text: null });
  if (award.postedAt !== null) history.push({ step: 'posted', at: award.postedAt, by: who(parts.entry?.createdBy ?? null), text: null });
  if (parts.reversal) history.push({ step: 'reversed', at: parts.reversal.createdAt, by: who(parts.reversal.createdBy), text: household ? null : parts.reversal.note });
  history.sort((a, b) => a.at - b.at);

  const entry = (e: typeof parts.entry) => e && { id: e.id, kind: e.kind, points: e.points, balanceAfter: e.balanceAfter, occurredOn: e.occurredOn, createdAt: e.createdAt, hash: e.hash };
  return {
    id: award.id,
    status: award.status,
    reversed: parts.reversal !== null,
    household: {
      id: award.householdId,
      headName: parts.household?.headName ?? '',
      doorNo: parts.household?.doorNo ?? null,
      archived: parts.household?.status === 'archived',
    },
    village: { id: award.villageId, name: parts.village?.name ?? '' },
    rule: rule ? { id: rule.ruleId, versionId: rule.id, version: rule.version, name: rule.name, unit: rule.unit, points: rule.points, evidenceRequired: rule.evidenceRequired } : null,
    heading: rule ? heading(rule.category) : null,
    quantity: award.quantity,
    points: award.points,
    memberName: award.memberName,
    note: household ? null : award.note,
    occurredOn: award.occurredOn,
    proposedAt: award.proposedAt,
    reviewedAt: award.reviewedAt,
    noticeEndsAt: award.noticeEndsAt,
    postedAt: award.postedAt,
    batchId: award.batchId,
    proposedBy: who(award.proposedBy),
    reviewedBy: who(award.reviewedBy),
    rejectReason: award.rejectReason,
    history,
    photos,
    ledgerEntry: entry(parts.entry),
    reversal: entry(parts.reversal),
  };
}
