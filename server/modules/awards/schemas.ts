import { z } from 'zod';
import { awardStatuses } from '../../../db/awards/awards';
import { Day, Paging } from '../../lib/params';
import { EvidenceHashes } from '../evidence/proposalEvidence';

const Note = z
  .string()
  .trim()
  .max(500)
  .regex(/^[^<>]*$/, '备注不能包含 < 或 >');
const Reason = z
  .string()
  .trim()
  .min(1, '请填写理由')
  .max(500)
  .regex(/^[^<>]*$/, '理由不能包含 < 或 >');
const Quantity = z.number().int().min(1).max(1000);

export const ProposeAwardBody = z.object({
  householdId: z.number().int().positive(),
  ruleId: z.number().int().positive(),
  quantity: Quantity.default(1),
  occurredOn: Day,
  memberName: z.string().trim().min(1).max(30).regex(/^[^<>]*$/).optional(),
  note: Note.optional(),
  evidenceUrl: z.string().trim().url().max(500).optional(),
  /** Photos uploaded through POST /api/evidence, by hash. */
  evidence: EvidenceHashes.optional(),
});
export type ProposeAwardBody = z.infer<typeof ProposeAwardBody>;

const BatchItem = z.object({
  householdId: z.number().int().positive(),
  // A graded sheet (优/良/差) names each row's rule; a row without one takes the batch's ruleId.
  ruleId: z.number().int().positive().optional(),
  quantity: Quantity.default(1),
  evidence: EvidenceHashes.optional(),
});

export const ProposeBatchBody = z
  .object({
    ruleId: z.number().int().positive().optional(),
    occurredOn: Day,
    note: Note.optional(),
    items: z.array(BatchItem).min(1).max(2000),
  })
  .refine((b) => b.ruleId !== undefined || b.items.every((i) => i.ruleId !== undefined), { message: '请选择细则：整批一条，或每户各一条', path: ['ruleId'] });
export type ProposeBatchBody = z.infer<typeof ProposeBatchBody>;

export const ReasonBody = z.object({ reason: Reason });
export type ReasonBody = z.infer<typeof ReasonBody>;

export const BulkApproveBody = z.object({ ids: z.array(z.number().int().positive()).min(1).max(2000) });
export type BulkApproveBody = z.infer<typeof BulkApproveBody>;

export const ResolveObjectionBody = z.object({
  decision: z.enum(['upheld', 'dismissed']),
  resolution: Reason,
});
export type ResolveObjectionBody = z.infer<typeof ResolveObjectionBody>;

export const ListAwardsQuery = z.object({
  status: z.enum(awardStatuses).optional(),
  villageId: z.coerce.number().int().positive().optional(),
  householdId: z.coerce.number().int().positive().optional(),
  batchId: z.coerce.number().int().positive().optional(),
  ...Paging,
});
export type ListAwardsQuery = z.infer<typeof ListAwardsQuery>;

export const ListObjectionsQuery = z.object({
  status: z.enum(['open', 'upheld', 'dismissed']).optional(),
  ...Paging,
});
export type ListObjectionsQuery = z.infer<typeof ListObjectionsQuery>;
