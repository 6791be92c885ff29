import type { InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type Dashboard = InferResponseType<typeof api.dashboard.$get, 200>;
export type DashboardChart = 'monthly' | 'categories' | 'participation' | 'goods' | 'stock' | 'lowStock' | 'donations' | 'money';

export function getDashboard(areaId: number | undefined, period: string) {
  const query: { areaId?: string; period?: string } = { period };
  if (areaId) query.areaId = String(areaId);
  return call(api.dashboard.$get({ query }));
}
