import { z } from 'zod';
import { Paging } from '../../lib/params';

export const LedgerQuery = z.object({ ...Paging });
export type LedgerQuery = z.infer<typeof LedgerQuery>;

export const ReverseBody = z.object({
  reason: z
    .string()
    .trim()
    .min(1, '请填写冲正理由')
    .max(500)
    .regex(/^[^<>]*$/, '理由不能包含 < 或 >'),
});
export type ReverseBody = z.infer<typeof ReverseBody>;

export const AdjustBody = z.object({
  points: z
    .number()
    .int()
    .min(-100_000)
    .max(100_000)
    .refine((p) => p !== 0, '调整分值不能为 0'),
  reason: ReverseBody.shape.reason,
});
export type AdjustBody = z.infer<typeof AdjustBody>;
