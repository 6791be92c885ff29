import { Invalid } from '../../lib/errors';
import { BoardSpec, type BoardKind, type BoardQuery } from './schemas';

/** Turns a flat query string (?period=&categories=a,b&method=) into the board spec it names. */
export function specOf(kind: BoardKind, areaId: number, q: BoardQuery): BoardSpec {
  const params: Record<string, unknown> = {};
  if (kind === 'red' && q.categories) params.categories = q.categories;
  if (kind === 'stars') {
    if (q.method) params.method = q.method;
    if (q.dimensionThreshold) params.dimensionThreshold = q.dimensionThreshold;
  }
  if (kind === 'leaderboard') {
    if (q.category) params.category = q.category;
    if (q.limit) params.limit = q.limit;
  }
  const parsed = BoardSpec.safeParse({ kind, areaId, period: q.period, params });
  if (!parsed.success) throw new Invalid(`请求参数有误：${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}
