import { z } from 'zod';

/** A catalogue heading (类别) in force in an area. */
export const HeadingAnswer = z.object({
  id: z.number().int(),
  areaId: z.number().int().nullable().describe('Owner; null for the county template'),
  code: z.string().describe('What rules and ledger rows store'),
  name: z.string(),
  sortOrder: z.number().int(),
  starDimension: z.string().nullable().describe('The star dimension its points count toward'),
  blackList: z.boolean().describe('A deduction heading for the black list'),
  active: z.boolean(),
  inherited: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export const HeadingListAnswer = z.object({ items: z.array(HeadingAnswer) });
