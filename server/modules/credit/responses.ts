import { z } from 'zod';

const ListingReason = z.enum(['concealment', 'refuses_support', 'fraudulent_claim', 'public_order', 'other']);
const ListingStatus = z.enum(['proposed', 'listed', 'rejected', 'removal_proposed', 'removed']);

/** An entry of the dishonesty list (失信名单), from its proposal to its removal. */
export const ListingAnswer = z.object({
  id: z.number().int(),
  householdId: z.number().int(),
  villageId: z.number().int(),
  reason: ListingReason,
  detail: z.string(),
  suspendRedemption: z.boolean(),
  status: ListingStatus,
  proposedBy: z.number().int(),
  proposedAt: z.number(),
  decidedBy: z.number().int().nullable(),
  decidedAt: z.number().nullable(),
  decisionNote: z.string().nullable(),
  removalReason: z.string().nullable(),
  removalProposedBy: z.number().int().nullable(),
  removalProposedAt: z.number().nullable(),
  removedBy: z.number().int().nullable(),
  removedAt: z.number().nullable(),
});
export const ListingListAnswer = z.object({ items: z.array(ListingAnswer.extend({ headName: z.string(), doorNo: z.string().nullable(), villageName: z.string() })), total: z.number().int() });

/** What a household sees of its own record. */
export const MyListingsAnswer = z.object({
  listed: z.boolean(),
  suspended: z.boolean(),
  items: z.array(
    z.object({
      id: z.number().int(),
      status: ListingStatus,
      reason: ListingReason,
      detail: z.string(),
      suspendRedemption: z.boolean(),
      listedAt: z.number().nullable(),
      removalProposedAt: z.number().nullable(),
      removedAt: z.number().nullable(),
    }),
  ),
});
export const ListingDecisionAnswer = z.object({ id: z.number().int(), status: z.enum(['listed', 'rejected', 'removed']), redemptionSuspended: z.boolean() });
export const RemovalProposedAnswer = z.object({ id: z.number().int(), status: z.literal('removal_proposed') });
