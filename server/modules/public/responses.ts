import { z } from 'zod';
import { AreaKind } from '../auth/responses';

export const PublicAreasAnswer = z.object({
  items: z.array(z.object({ id: z.number().int(), name: z.string(), kind: AreaKind, parentId: z.number().int().nullable() })),
});

/** Names are masked by the area's rule (name or door number); never a phone or ID number. */
export const LeaderboardAnswer = z.object({
  area: z.object({ id: z.number().int(), name: z.string(), kind: AreaKind }),
  period: z.string(),
  items: z.array(z.object({ rank: z.number().int(), name: z.string().describe('Masked'), village: z.string(), points: z.number() })),
  total: z.number().int(),
  offset: z.number().int(),
});

export const HouseholdRankAnswer = z.object({
  householdId: z.number().int(),
  townshipId: z.number().int(),
  period: z.string(),
  score: z.number(),
  rank: z.number().int().nullable().describe('Null when the household has no score in the period'),
  ranked: z.number().int().describe('How many households are ranked'),
});
