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
