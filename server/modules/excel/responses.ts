import { z } from 'zod';
import { HouseholdCategory } from '../households/responses';

const RowError = z.object({ field: z.string(), message: z.string() });
const Village = z.object({ id: z.number().int(), name: z.string() });

/** A roster checked row by row: what importing it would create, update or refuse; nothing is written. */
export const HouseholdImportPreviewAnswer = z.object({
  village: Village,
  counts: z.object({ total: z.number().int(), create: z.number().int(), update: z.number().int(), unchanged: z.number().int(), error: z.number().int() }),
  newGroups: z.array(z.string()).describe('村民小组 the import would create'),
  rows: z.array(
    z.object({
      row: z.number().int().describe('The row number in the sheet'),
      cells: z.record(z.string(), z.string()),
      headName: z.string(),
      doorNo: z.string().nullable(),
      groupName: z.string().nullable(),
      groupId: z.number().int().nullable(),
      category: HouseholdCategory,
      phone: z.string().nullable(),
      idNumber: z.string().nullable(),
      members: z.array(z.object({ name: z.string(), relation: z.enum(['head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other']) })),
      action: z.enum(['create', 'update', 'unchanged', 'error']),
      householdId: z.number().int().nullable(),
      errors: z.array(RowError),
    }),
  ),
});

export const HouseholdImportAnswer = z.object({
  villageId: z.number().int(),
  filename: z.string(),
  created: z.array(z.number().int()),
  updated: z.array(z.number().int()),
  newGroups: z.array(z.string()),
  total: z.number().int(),
  create: z.number().int(),
  update: z.number().int(),
  unchanged: z.number().int(),
  error: z.number().int(),
});

/** A score sheet checked row by row; nothing is proposed. */
export const AwardImportPreviewAnswer = z.object({
  village: Village,
  occurredOn: z.string(),
  counts: z.object({ total: z.number().int(), propose: z.number().int(), skip: z.number().int(), error: z.number().int(), points: z.number() }),
  rows: z.array(
    z.object({
      row: z.number().int(),
      household: z.string(),
      householdId: z.number().int().nullable(),
      rule: z.string(),
      ruleId: z.number().int().nullable(),
      quantity: z.number().nullable(),
      points: z.number().nullable(),
      action: z.enum(['error', 'propose', 'skip']),
      errors: z.array(RowError),
    }),
  ),
});

export const AwardImportAnswer = z.object({
  villageId: z.number().int(),
  occurredOn: z.string(),
  filename: z.string(),
  batches: z.array(z.object({ batchId: z.number().int(), ruleId: z.number().int(), count: z.number().int(), totalPoints: z.number(), ids: z.array(z.number().int()) })),
  status: z.literal('pending'),
  total: z.number().int(),
  propose: z.number().int(),
  skip: z.number().int(),
  error: z.number().int(),
  points: z.number(),
});
