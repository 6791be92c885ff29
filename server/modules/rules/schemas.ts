import { z } from 'zod';
import { ruleCategories } from '../../../db/rules';

const RuleName = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[^<>{}\\`$;]+$/, '名称含有不允许的字符');

export const CreateRuleBody = z.object({
  areaId: z.number().int().positive(),
  category: z.enum(ruleCategories),
  name: RuleName,
  points: z
    .number()
    .int()
    .min(-1000)
    .max(1000)
    .refine((p) => p !== 0, '分值不能为 0'),
  unit: z.string().trim().min(1).max(10).default('次'),
  monthlyCap: z.number().int().min(1).max(1000).optional(),
  evidenceRequired: z.boolean().default(false),
  blackList: z.boolean().default(false),
});
export type CreateRuleBody = z.infer<typeof CreateRuleBody>;

export const UpdateRuleBody = CreateRuleBody.omit({ areaId: true })
  .extend({ monthlyCap: z.number().int().min(1).max(1000).nullable(), active: z.boolean() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type UpdateRuleBody = z.infer<typeof UpdateRuleBody>;

export const ListRulesQuery = z.object({
  areaId: z.coerce.number().int().positive().optional(),
  includeInactive: z.enum(['0', '1']).default('0'),
});
export type ListRulesQuery = z.infer<typeof ListRulesQuery>;
