import { z } from 'zod';
import { AreaKind } from '../auth/responses';

/** A rule in its current version. */
export const RuleAnswer = z.object({
  id: z.number().int(),
  name: z.string(),
  areaId: z.number().int(),
  category: z.string().describe('The stored code of the heading (hygiene, h12)'),
  categoryName: z.string().describe('The heading as the area names it'),
  active: z.boolean(),
  points: z.number().describe('Points per unit; negative for a deduction'),
  unit: z.string(),
  monthlyCap: z.number().nullable(),
  evidenceRequired: z.boolean(),
  blackList: z.boolean().describe('A deduction under this rule puts the household on the black list'),
  note: z.string().nullable().describe('备注 as the catalogue keeps it'),
  version: z.number().int(),
  currentVersionId: z.number().int(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export const RuleListAnswer = z.object({
  items: z.array(RuleAnswer.extend({ currentVersionId: z.number().int().nullable(), inherited: z.boolean(), areaName: z.string(), areaKind: AreaKind })),
});
