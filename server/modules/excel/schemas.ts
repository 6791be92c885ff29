import { z } from 'zod';
import { awardStatuses } from '../../../db/awards/awards';
import { Day, Period } from '../../lib/params';
import { isValidText } from '../../lib/text';
import { BoardKind, BoardQuery } from '../boards/schemas';

/**
 * An uploaded spreadsheet sent as base64 inside JSON. The API's 1 MiB body limit caps the file near
 * 700 KB, far above a 300-household roster (about 30 KB as .xlsx).
 */
export const UploadedFile = z.object({
  filename: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/\.(xlsx|csv)$/i, '只支持 .xlsx 或 .csv 文件')
    .refine(isValidText, '文件名含有无法识别的字符'),
  contentBase64: z
    .string()
    .min(1, '文件是空的')
    .max(1_400_000, '文件过大')
    .regex(/^[A-Za-z0-9+/=\s]+$/, '文件内容编码有误'),
});
export type UploadedFile = z.infer<typeof UploadedFile>;

export const HouseholdImportBody = z.object({
  villageId: z.number().int().positive(),
  file: UploadedFile,
  /** The cadre saw the groups the preview would make (newGroups) and confirms making them. */
  createGroups: z.boolean().default(false),
});
export type HouseholdImportBody = z.infer<typeof HouseholdImportBody>;

export const AwardImportBody = z.object({
  villageId: z.number().int().positive(),
  occurredOn: Day,
  note: z
    .string()
    .trim()
    .max(500)
    .regex(/^[^<>]*$/, '备注不能包含 < 或 >')
    .refine(isValidText, '备注含有无法识别的字符')
    .optional(),
  file: UploadedFile,
});
export type AwardImportBody = z.infer<typeof AwardImportBody>;

export const TemplateQuery = z.object({ villageId: z.coerce.number().int().positive().optional(), ruleId: z.coerce.number().int().positive().optional() });
export type TemplateQuery = z.infer<typeof TemplateQuery>;

const AreaId = z.coerce.number().int().positive().optional();

export const ExportAreaQuery = z.object({ areaId: AreaId });
export type ExportAreaQuery = z.infer<typeof ExportAreaQuery>;

export const ExportPeriodQuery = z.object({ areaId: AreaId, period: Period });
export type ExportPeriodQuery = z.infer<typeof ExportPeriodQuery>;

export const ExportAwardsQuery = z.object({ areaId: AreaId, status: z.enum(awardStatuses).optional(), period: Period.optional() });
export type ExportAwardsQuery = z.infer<typeof ExportAwardsQuery>;

export const ExportBoardQuery = z.object({
  areaId: AreaId,
  period: Period,
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export type ExportBoardQuery = z.infer<typeof ExportBoardQuery>;

export const ExportBoardKindQuery = BoardQuery.extend({ kind: BoardKind, areaId: AreaId });
export type ExportBoardKindQuery = z.infer<typeof ExportBoardKindQuery>;
