import { and, eq, like } from 'drizzle-orm';
import { areas } from '../../../db/schema';
import { periodRange } from '../../../db/time';
import type { Ctx } from '../../lib/context';
import { Unprocessable } from '../../lib/errors';
import { getAreaInScopeSync, type AreaRow } from '../../lib/scope';

/** The area to report on: the one asked for if the actor may see it, else the actor's own. */
export function reportArea(ctx: Ctx, areaId: number | undefined): AreaRow {
  return getAreaInScopeSync(ctx, areaId ?? ctx.actor.areaId);
}

export function villagesUnder(ctx: Pick<Ctx, 'db'>, area: AreaRow): { id: number; name: string }[] {
  return ctx.db
    .select({ id: areas.id, name: areas.name })
    .from(areas)
    .where(and(eq(areas.kind, 'village'), like(areas.path, `${area.path}%`)))
    .all();
}

/** Villages and townships under the area: the places a store can be. */
export function storesUnder(ctx: Pick<Ctx, 'db'>, area: AreaRow): { id: number; name: string }[] {
  return ctx.db
    .select({ id: areas.id, name: areas.name, kind: areas.kind })
    .from(areas)
    .where(like(areas.path, `${area.path}%`))
    .all()
    .filter((a) => a.kind === 'village' || a.kind === 'township');
}

/** A period's first and last day, and the same as epoch milliseconds [from, to) in Shanghai time. */
export function periodSpan(period: string) {
  const { from, to } = periodRange(period);
  const fromMs = Date.parse(`${from}T00:00:00+08:00`);
  const toMs = Date.parse(`${to}T00:00:00+08:00`) + 86_400_000;
  return { from, to, fromMs, toMs };
}

/** A spreadsheet holds about a million rows; refuse clearly long before that. */
export const MAX_EXPORT_ROWS = 200_000;
export function assertExportSize(rows: number): void {
  if (rows > MAX_EXPORT_ROWS) throw new Unprocessable('export_too_large', `数据超过 ${MAX_EXPORT_ROWS} 行，请缩小区域或时间范围后再导出`);
}

export function shanghaiDateTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
