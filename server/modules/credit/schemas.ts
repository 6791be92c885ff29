import { z } from 'zod';
import { dishonestyReasons, listingStatuses } from '../../../db/credit/listings';
import { Paging } from '../../lib/params';

const Text = z
  .string()
  .trim()
  .min(1, '请填写说明')
  .max(500)
  .regex(/^[^<>]*$/, '不能包含 < 或 >');

export const ProposeListingBody = z.object({
  householdId: z.number().int().positive(),
  reason: z.enum(dishonestyReasons),
  detail: Text,
  suspendRedemption: z.boolean().default(true),
});
export type ProposeListingBody = z.infer<typeof ProposeListingBody>;

export const DecisionBody = z.object({ decision: z.enum(['approve', 'reject']), note: Text });
export type DecisionBody = z.infer<typeof DecisionBody>;

export const RemovalBody = z.object({ reason: Text });
export type RemovalBody = z.infer<typeof RemovalBody>;

export const ListListingsQuery = z.object({
  status: z.enum(listingStatuses).optional(),
  householdId: z.coerce.number().int().positive().optional(),
  ...Paging,
});
export type ListListingsQuery = z.infer<typeof ListListingsQuery>;
