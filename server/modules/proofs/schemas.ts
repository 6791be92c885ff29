import { z } from 'zod';

/** A tree size or seq as typed in a URL: digits only (no signs, exponents or decimals), at most 2^53 − 1. */
const Count = z
  .string()
  .regex(/^\d{1,16}$/, '应为非负整数')
  .transform(Number)
  .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER, '数值过大'));

const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const InclusionQuery = z.object({
  seq: Count.describe('The entry (1, 2, 3 … in the village chain)'),
  treeSize: Count.optional().describe("The tree to prove it in (a checkpoint's treeSize); default the current chain"),
});
export type InclusionQuery = z.infer<typeof InclusionQuery>;

export const ConsistencyQuery = z.object({
  from: Count.describe('The older tree size'),
  to: Count.optional().describe('The newer tree size; default the current chain'),
});
export type ConsistencyQuery = z.infer<typeof ConsistencyQuery>;

export const CheckpointListQuery = z.object({
  countyId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: Id.optional().describe('Only checkpoints with a smaller id (the next page: the last id seen)'),
});
export type CheckpointListQuery = z.infer<typeof CheckpointListQuery>;

export const LatestCheckpointQuery = z.object({ countyId: Id.optional().describe('Default: the newest checkpoint of any county') });
export type LatestCheckpointQuery = z.infer<typeof LatestCheckpointQuery>;

export const CreateCheckpointBody = z.object({ countyId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export type CreateCheckpointBody = z.infer<typeof CreateCheckpointBody>;
