import { z } from 'zod';
import { Period } from '../../lib/params';

export const LeaderboardQuery = z.object({
  period: Period,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type LeaderboardQuery = z.infer<typeof LeaderboardQuery>;

export const RankQuery = z.object({
  period: Period,
});
export type RankQuery = z.infer<typeof RankQuery>;

/** A seq of a village chain: 1 … 2^53 − 1 (a larger number would not survive JSON exactly). */
const Seq = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** A seq range of a village's public ledger, inclusive; from defaults to 1, to to the chain's end. */
export const LedgerRangeQuery = z
  .object({
    from: Seq.default(1).describe('First seq (default 1)'),
    to: Seq.optional().describe('Last seq wanted (default: the end of the chain); one answer holds at most 1000 entries, nextFrom continues'),
  })
  .refine((q) => q.to === undefined || q.from <= q.to, { message: 'from 不能大于 to', path: ['from'] });
export type LedgerRangeQuery = z.infer<typeof LedgerRangeQuery>;
