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

/** The headings a public board of an area can be filtered by (no login). */
export const PublicHeadingListAnswer = z.object({
  area: z.object({ id: z.number().int(), name: z.string(), kind: z.enum(['county', 'township', 'village', 'group']) }),
  items: z.array(
    z.object({
      code: z.string().describe('The category to pass to a live leaderboard'),
      name: z.string(),
      label: z.string().describe('The name, with its village for a heading of a village beneath: 减分项目（龙潭村）'),
      areaName: z.string().nullable().describe('The owning area; null for the county template'),
      place: z.enum(['template', 'inherited', 'own', 'below', 'unknown']),
      blackList: z.boolean(),
    }),
  ),
});

const RowError = z.object({ field: z.string(), message: z.string() });
const Counts = { total: z.number().int(), create: z.number().int(), update: z.number().int(), unchanged: z.number().int(), error: z.number().int() };

/** What importing each row of a catalogue would do. */
export const CataloguePreviewAnswer = z.object({
  area: z.object({ id: z.number().int(), name: z.string() }),
  counts: z.object(Counts),
  newHeadings: z.array(z.string()).describe('Headings the import would create once confirmed (createHeadings: true)'),
  rows: z.array(
    z.object({
      row: z.number().int(),
      heading: z.string(),
      headingCode: z.string().nullable(),
      name: z.string(),
      points: z.number().int().nullable(),
      unit: z.string(),
      monthlyCap: z.number().int().nullable(),
      evidenceRequired: z.boolean(),
      note: z.string().nullable(),
      action: z.enum(['create', 'update', 'unchanged', 'error']),
      ruleId: z.number().int().nullable(),
      errors: z.array(RowError),
    }),
  ),
});

export const CatalogueImportAnswer = z.object({
  areaId: z.number().int(),
  filename: z.string(),
  ...Counts,
  created: z.array(z.number().int()),
  updated: z.array(z.number().int()),
  newHeadings: z.array(z.string()),
});
