import { z } from 'zod';
import { boardKinds, reviewStatuses } from '../../../db/boards/types';
import { Day, Paging, Period, Year as AnyYear } from '../../lib/params';

const Year = z.string().regex(/^\d{4}$/, '星级评定按年度：period 应为 YYYY').pipe(AnyYear);
const Text = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `请填写${label}`)
    .max(500)
    .regex(/^[^<>]*$/, `${label}不能包含 < 或 >`);

export const BoardKind = z.enum(boardKinds);
export type BoardKind = z.infer<typeof BoardKind>;
// The stored code of a heading of the area (the template's hygiene…, an area's own h12).
export const RuleCategory = z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/, '类别代码不正确');

export const RedParams = z.object({
  // Awards under these categories are named as good deeds (好人好事) beside the points.
  categories: z.array(RuleCategory).min(1).max(50).default(['family_virtue']),
});
export type RedParams = z.infer<typeof RedParams>;
export const BlackParams = z.object({});
export type BlackParams = z.infer<typeof BlackParams>;
export const StarParams = z.object({
  // score: stars by the year's conduct score against the area's five thresholds;
  // dimensions: one star per dimension whose category points reach dimensionThreshold; both: the lower of the two.
  method: z.enum(['score', 'dimensions', 'both']).default('score'),
  dimensionThreshold: z.number().int().min(1).max(100_000).default(10),
});
export type StarParams = z.infer<typeof StarParams>;
export const RankParams = z.object({
  category: RuleCategory.optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type RankParams = z.infer<typeof RankParams>;
export const VillageParams = z.object({});
export type VillageParams = z.infer<typeof VillageParams>;

const AreaId = z.number().int().positive();

/** Which board, for which area and period, computed how: the input of a preview and of a publication. */
export const BoardSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('red'), areaId: AreaId, period: Period, params: RedParams.prefault({}) }),
  z.object({ kind: z.literal('black'), areaId: AreaId, period: Period, params: BlackParams.prefault({}) }),
  z.object({ kind: z.literal('stars'), areaId: AreaId, period: Year, params: StarParams.prefault({}) }),
  z.object({ kind: z.literal('leaderboard'), areaId: AreaId, period: Period, params: RankParams.prefault({}) }),
  z.object({ kind: z.literal('villages'), areaId: AreaId, period: Period, params: VillageParams.prefault({}) }),
]);
export type BoardSpec = z.infer<typeof BoardSpec>;

const csvCategories = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(RuleCategory).min(1));

/** The same as BoardSpec, flattened into a query string (for previews, public pages and print pages). */
export const BoardQuery = z.object({
  period: Period,
  categories: csvCategories.optional(),
  method: z.enum(['score', 'dimensions', 'both']).optional(),
  dimensionThreshold: z.coerce.number().int().min(1).max(100_000).optional(),
  category: RuleCategory.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type BoardQuery = z.infer<typeof BoardQuery>;

export const KindAreaParam = z.object({ kind: BoardKind, id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export type KindAreaParam = z.infer<typeof KindAreaParam>;

export const PublishedQuery = z.object({ period: Period });
export type PublishedQuery = z.infer<typeof PublishedQuery>;

export const ListPublicationsQuery = z.object({
  status: z.enum(reviewStatuses).optional(),
  kind: BoardKind.optional(),
  areaId: z.coerce.number().int().positive().optional(),
  ...Paging,
});
export type ListPublicationsQuery = z.infer<typeof ListPublicationsQuery>;

export const ReasonBody = z.object({ reason: Text('理由') });
export type ReasonBody = z.infer<typeof ReasonBody>;

export const ProposeRectificationBody = z.object({
  ledgerEntryId: z.number().int().positive(),
  rectifiedOn: Day,
  note: Text('整改情况'),
});
export type ProposeRectificationBody = z.infer<typeof ProposeRectificationBody>;

export const ListRectificationsQuery = z.object({
  status: z.enum(reviewStatuses).optional(),
  villageId: z.coerce.number().int().positive().optional(),
  ...Paging,
});
export type ListRectificationsQuery = z.infer<typeof ListRectificationsQuery>;

export const YearQuery = z.object({ year: AnyYear.optional() });
export type YearQuery = z.infer<typeof YearQuery>;

export const DonationsQuery = z.object({ year: AnyYear.optional(), ...Paging });
export type DonationsQuery = z.infer<typeof DonationsQuery>;
