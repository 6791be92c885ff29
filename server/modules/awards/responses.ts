import { z } from 'zod';
import { UploadedEvidenceAnswer } from '../evidence/responses';

export const AwardStatus = z.enum(['pending', 'notice', 'posted', 'rejected']);
const ObjectionStatus = z.enum(['open', 'upheld', 'dismissed']);
const Photo = UploadedEvidenceAnswer;

export const AwardListAnswer = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      householdId: z.number().int(),
      headName: z.string(),
      doorNo: z.string().nullable(),
      villageId: z.number().int(),
      villageName: z.string(),
      ruleId: z.number().int(),
      ruleName: z.string(),
      category: z.string(),
      unit: z.string(),
      quantity: z.number(),
      points: z.number(),
      occurredOn: z.string(),
      memberName: z.string().nullable(),
      note: z.string().nullable(),
      evidenceUrl: z.string().nullable(),
      photos: z.array(Photo).describe('Empty for a clerk'),
      status: AwardStatus,
      batchId: z.number().int().nullable(),
      proposedBy: z.number().int(),
      proposerName: z.string(),
      proposedAt: z.number(),
      reviewedAt: z.number().nullable(),
      rejectReason: z.string().nullable(),
      noticeEndsAt: z.number().nullable(),
      postedAt: z.number().nullable(),
      openObjections: z.number().int(),
    }),
  ),
  total: z.number().int(),
});

export const ProposedAwardAnswer = z.object({ id: z.number().int(), status: AwardStatus, points: z.number(), householdId: z.number().int(), ruleId: z.number().int(), occurredOn: z.string() });

export const ProposedBatchAnswer = z.object({
  batchId: z.number().int(),
  ids: z.array(z.number().int()),
  count: z.number().int(),
  totalPoints: z.number(),
  rules: z.array(z.object({ ruleId: z.number().int(), count: z.number().int(), points: z.number() })),
  status: z.literal('pending'),
});

/** An approved award goes on public notice, or is posted at once when the area has no notice days. */
export const ApprovalAnswer = z.object({ id: z.number().int(), status: z.enum(['notice', 'posted']), noticeEndsAt: z.number().nullable(), ledgerEntryId: z.number().int().nullable() });
export const BulkApprovalAnswer = z.object({ items: z.array(ApprovalAnswer) });
export const PostDueAnswer = z.object({ posted: z.number().int() });

/** Staff see the whole award; a household sees an award on notice in its village as the notice board shows it. */
export const AwardDetailAnswer = z.union([
  z.object({
    id: z.number().int(),
    villageId: z.number().int(),
    status: z.literal('notice'),
    name: z.string().describe('Masked'),
    rule: z.string().nullable(),
    quantity: z.number(),
    points: z.number(),
    occurredOn: z.string(),
    noticeEndsAt: z.number().nullable(),
    objectionCounts: z.object({ open: z.number().int(), upheld: z.number().int(), dismissed: z.number().int() }),
    myObjection: z.object({ status: z.string(), resolution: z.string().nullable() }).nullable(),
  }),
  z.object({
    id: z.number().int(),
    villageId: z.number().int(),
    status: AwardStatus,
    householdId: z.number().int(),
    points: z.number(),
    note: z.string().nullable(),
    ruleId: z.number().int(),
    ruleVersionId: z.number().int(),
    occurredOn: z.string(),
    proposedBy: z.number().int(),
    batchId: z.number().int().nullable(),
    quantity: z.number(),
    memberName: z.string().nullable(),
    evidenceUrl: z.string().nullable(),
    proposedAt: z.number(),
    reviewedBy: z.number().int().nullable(),
    reviewedAt: z.number().nullable(),
    rejectReason: z.string().nullable(),
    noticeEndsAt: z.number().nullable(),
    postedAt: z.number().nullable(),
    ledgerEntryId: z.number().int().nullable(),
    rule: z
      .object({
        id: z.number().int(),
        ruleId: z.number().int(),
        name: z.string(),
        category: z.string(),
        points: z.number(),
        unit: z.string(),
        monthlyCap: z.number().nullable(),
        evidenceRequired: z.boolean(),
        blackList: z.boolean(),
        note: z.string().nullable(),
        version: z.number().int(),
        createdBy: z.number().int().nullable(),
        createdAt: z.number(),
      })
      .nullable()
      .describe('The rule version the award was proposed under'),
    objections: z.array(z.object({ id: z.number().int(), reason: z.string().nullable(), status: ObjectionStatus, resolution: z.string().nullable(), createdAt: z.number(), resolvedAt: z.number().nullable(), mine: z.boolean() })),
    photos: z.array(Photo),
  }),
]);

const RecordEntry = z
  .object({ id: z.number().int(), kind: z.string(), points: z.number(), balanceAfter: z.number(), occurredOn: z.string(), createdAt: z.number(), hash: z.string() })
  .nullable();
export const AwardRecordAnswer = z.object({
  id: z.number().int(),
  status: AwardStatus,
  reversed: z.boolean().describe('Its ledger entry has been reversed (冲正)'),
  household: z.object({ id: z.number().int(), headName: z.string(), doorNo: z.string().nullable(), archived: z.boolean() }),
  village: z.object({ id: z.number().int(), name: z.string() }),
  rule: z
    .object({ id: z.number().int(), versionId: z.number().int(), version: z.number().int(), name: z.string(), unit: z.string(), points: z.number(), evidenceRequired: z.boolean() })
    .nullable()
    .describe('The rule version the award was proposed under'),
  heading: z.string().nullable().describe('The heading as the area names it'),
  quantity: z.number(),
  points: z.number(),
  memberName: z.string().nullable(),
  note: z.string().nullable().describe("The proposer's note; null for a household"),
  occurredOn: z.string(),
  proposedAt: z.number(),
  reviewedAt: z.number().nullable(),
  noticeEndsAt: z.number().nullable(),
  postedAt: z.number().nullable(),
  batchId: z.number().int().nullable(),
  proposedBy: z.string().nullable().describe('Display name; null for a household'),
  reviewedBy: z.string().nullable(),
  rejectReason: z.string().nullable(),
  history: z.array(
    z.object({
      step: z.enum(['proposed', 'approved', 'rejected', 'objected', 'objection_upheld', 'objection_dismissed', 'notice_ends', 'posted', 'reversed']),
      at: z.number(),
      by: z.string().nullable(),
      text: z.string().nullable(),
    }),
  ),
  photos: z.array(Photo),
  ledgerEntry: RecordEntry.describe('The entry posting it'),
  reversal: RecordEntry.describe('The entry reversing it'),
});

export const RejectedAwardAnswer = z.object({ id: z.number().int(), status: z.literal('rejected'), reason: z.string() });
export const ObjectionAnswer = z.object({ id: z.number().int(), awardId: z.number().int(), status: ObjectionStatus, createdAt: z.number() });
export const ObjectionListAnswer = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      awardId: z.number().int(),
      reason: z.string(),
      status: ObjectionStatus,
      resolution: z.string().nullable(),
      createdAt: z.number(),
      resolvedAt: z.number().nullable(),
      headName: z.string(),
      villageName: z.string(),
      ruleName: z.string(),
      points: z.number(),
      awardStatus: AwardStatus,
      noticeEndsAt: z.number().nullable(),
    }),
  ),
  total: z.number().int(),
});
export const ResolvedObjectionAnswer = z.object({ id: z.number().int(), status: z.enum(['upheld', 'dismissed']), awardId: z.number().int(), awardStatus: AwardStatus });
