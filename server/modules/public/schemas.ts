import { z } from 'zod';
import { periodPattern } from '../../../db/time';

export const LeaderboardQuery = z.object({
  period: z.string().regex(periodPattern, 'period 应为 YYYY、YYYY-Qn 或 YYYY-MM'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type LeaderboardQuery = z.infer<typeof LeaderboardQuery>;

export const RankQuery = z.object({
  period: z.string().regex(periodPattern, 'period 应为 YYYY、YYYY-Qn 或 YYYY-MM'),
});
export type RankQuery = z.infer<typeof RankQuery>;
