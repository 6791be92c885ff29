import { z } from 'zod';
import { UploadedFile } from '../excel/schemas';

const RuleName = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[^<>{}\\`$;]+$/, '名称含有不允许的字符');

/** A heading named as written (公益劳动), by its stored code (hygiene), or by its id. */
const HeadingRef = z.union([z.number().int().positive(), z.string().trim().min(1).max(30)]);

const HeadingName = z
  .string()
  .trim()
  .min(1)
  .max(30)
  .regex(/^[^<>{}\\`$;,，]+$/, '类别名称含有不允许的字符');
const StarDimension = z.string().trim().min(1).max(20).regex(/^[^<>{}\\`$;]+$/, '星级维度名称含有不允许的字符');

export const CreateHeadingBody = z.object({
  name: HeadingName,
  sortOrder: z.number().int().min(0).max(100_000).optional(),
  starDimension: StarDimension.nullable().optional(),
  blackList: z.boolean().default(false),
});
export type CreateHeadingBody = z.infer<typeof CreateHeadingBody>;

export const UpdateHeadingBody = z
  .object({ name: HeadingName, sortOrder: z.number().int().min(0).max(100_000), starDimension: StarDimension.nullable(), blackList: z.boolean(), active: z.boolean() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export type UpdateHeadingBody = z.infer<typeof UpdateHeadingBody>;

const Points = z
  .number()
  .int()
  .min(-1000)
  .max(1000)
  .refine((p) => p !== 0, '分值不能为 0');
const Unit = z.string().trim().min(1).max(10);
const MonthlyCap = z.number().int().min(1).max(1000);
const Note = z.string().trim().max(200).regex(/^[^<>{}\\`$]*$/, '备注含有不允许的字符');

export const CreateRuleBody = z.object({
  areaId: z.number().int().positive(),
  category: HeadingRef,
  name: RuleName,
  points: Points,
  unit: Unit.default('次'),
  monthlyCap: MonthlyCap.optional(),
  evidenceRequired: z.boolean().default(false),
  // Left out: a deduction under a deduction heading (扣分类别) is a black-list rule.
  blackList: z.boolean().optional(),
  note: Note.optional(),
});
export type CreateRuleBody = z.infer<typeof CreateRuleBody>;

// Built without defaults: zod 4 fills a default even inside .partial(), so an edit of the points alone
// would silently reset the unit, the evidence flag and the black-list flag.
export const UpdateRuleBody = z
  .object({
    category: HeadingRef,
    name: RuleName,
    points: Points,
    unit: Unit,
    monthlyCap: MonthlyCap.nullable(),
    evidenceRequired: z.boolean(),
    blackList: z.boolean(),
    note: Note.nullable(),
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

export const CatalogueImportBody = z.object({
  areaId: z.number().int().positive(),
  file: UploadedFile,
  /** The manager saw the headings the preview would make (newHeadings) and confirms making them. */
  createHeadings: z.boolean().default(false),
  /** Which of those new headings are deduction headings (扣分类别): their negative items count for the black list. */
  deductionHeadings: z.array(z.string().trim().min(1).max(30)).max(50).optional(),
});
export type CatalogueImportBody = z.infer<typeof CatalogueImportBody>;

export const CatalogueExportQuery = z.object({ areaId: z.coerce.number().int().positive() });
export type CatalogueExportQuery = z.infer<typeof CatalogueExportQuery>;
