import { z } from 'zod';
import { AreaKind } from '../auth/responses';

export const AreaAnswer = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: AreaKind,
  parentId: z.number().int().nullable(),
  path: z.string().describe('Materialised path of ids, e.g. /1/4/9/'),
});
export const AreaListAnswer = z.object({ items: z.array(AreaAnswer) });
export const GroupAnswer = AreaAnswer.extend({ kind: z.literal('group'), parentId: z.number().int() });

const MaskMode = z.enum(['name', 'door']);
const ExpiryMode = z.enum(['carry', 'months', 'year_end']);

/** The settings in force in an area: its own, else its parents', else the defaults. */
export const AreaSettingsAnswer = z.object({
  areaId: z.number().int(),
  noticeDays: z.number().int(),
  maskMode: MaskMode,
  expiryMode: ExpiryMode,
  expiryMonths: z.number().int().nullable(),
  starThresholds: z.array(z.number()),
  pointValueFen: z.number().int().describe('What one point is worth at the counter, in fen'),
});

/** After a change: what is in force, and what the area itself sets (null or absent: inherited). */
export const UpdatedAreaSettingsAnswer = AreaSettingsAnswer.extend({
  own: z.object({
    noticeDays: z.number().int().nullable().optional(),
    maskMode: MaskMode.nullable().optional(),
    expiryMode: ExpiryMode.nullable().optional(),
    expiryMonths: z.number().int().nullable().optional(),
    starThresholds: z.string().nullable().optional().describe('The stored JSON list'),
    pointValueFen: z.number().int().nullable().optional(),
  }),
});
