import { z } from 'zod';
import { Period } from '../../lib/params';

export const dashboardCharts = ['monthly', 'categories', 'participation', 'goods', 'stock', 'lowStock', 'donations', 'money'] as const;
export type DashboardChart = (typeof dashboardCharts)[number];

export const DashboardQuery = z.object({
  areaId: z.coerce.number().int().positive().optional(),
  /** Defaults to the current year. */
  period: Period.optional(),
  lowStock: z.coerce.number().int().min(0).max(10_000).default(5),
});
export type DashboardQuery = z.infer<typeof DashboardQuery>;

export const DashboardExportQuery = DashboardQuery.extend({ chart: z.enum(dashboardCharts).optional() });
export type DashboardExportQuery = z.infer<typeof DashboardExportQuery>;
