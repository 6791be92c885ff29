import { z } from 'zod';
import { normalizeText } from '../../lib/normalize';

export const CreateAreaBody = z.object({
  name: z.string().trim().min(1).max(50),
  kind: z.enum(['township', 'village', 'group']),
  parentId: z.number().int().positive(),
});
export type CreateAreaBody = z.infer<typeof CreateAreaBody>;

/** A 村民小组's name as people write it ("第一村民小组", "一组"). */
export const GroupBody = z.object({ name: z.string().overwrite(normalizeText).trim().min(1, '请填写小组名称').max(30, '小组名称最多 30 个字') });
export type GroupBody = z.infer<typeof GroupBody>;

export const StarThresholds = z.array(z.number().int().min(0).max(1_000_000)).length(5);

export const AreaSettingsBody = z
  .object({
    noticeDays: z.number().int().min(0).max(30).nullable(),
    maskMode: z.enum(['name', 'door']).nullable(),
    expiryMode: z.enum(['carry', 'months', 'year_end']).nullable(),
    expiryMonths: z.number().int().min(1).max(120).nullable(),
    starThresholds: StarThresholds.nullable(),
    pointValueFen: z.number().int().min(1).max(100_000).nullable(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'at least one setting' });
export type AreaSettingsBody = z.infer<typeof AreaSettingsBody>;
