import { z } from 'zod';
import { ruleCategories } from '../../../db/rules';

const RuleName = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[^<>{}\\`$;]+$/, '名称含有不允许的字符');

const Points = z
  .number()
  .int()
  .min(-1000)
  .max(1000)
  .refine((p) => p !== 0, '分值不能为 0');
const Unit = z.string().trim().min(1).max(10);
const MonthlyCap = z.number().int().min(1).max(1000);

export const CreateRuleBody = z.object({
  areaId: z.number().int().positive(),
  category: z.enum(ruleCategories),
  name: RuleName,
  points: Points,
  unit: Unit.default('次'),
  monthlyCap: MonthlyCap.optional(),
  evidenceRequired: z.boolean().default(false),
  blackList: z.boolean().default(false),
});
export type CreateRuleBody = z.infer<typeof CreateRuleBody>;

// Built without defaults: zod 4 fills a default even inside .partial(), so an edit of the points alone
// would silently reset the unit, the evidence flag and the black-list flag.
export const UpdateRuleBody = z
  .object({
    category: z.enum(ruleCategories),
    name: RuleName,
    points: Points,
    unit: Unit,
    monthlyCap: MonthlyCap.nullable(),
    evidenceRequired: z.boolean(),
    blackList: z.boolean(),
    active: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type UpdateRuleBody = z.infer<typeof UpdateRuleBody>;

export const ListRulesQuery = z.object({
  areaId: z.coerce.number().int().positive().optional(),
  includeInactive: z.enum(['0', '1']).default('0'),
});
export type ListRulesQuery = z.infer<typeof ListRulesQuery>;
