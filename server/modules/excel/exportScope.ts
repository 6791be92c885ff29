import { areasUnder, type AreaRow } from '../../../db/areas';
import type { Db } from '../../../db/client';
import { periodRange } from '../../../db/time';
import type { Ctx } from '../../lib/context';
import { Unprocessable } from '../../lib/errors';
import { getAreaInScope } from '../../lib/scope';

/** The area to report on: the one asked for if the actor may see it, else the actor's own. */
export function reportArea(db: Db, ctx: Pick<Ctx, 'actor'>, areaId: number | undefined): Promise<AreaRow> {
  return getAreaInScope(db, ctx.actor, areaId ?? ctx.actor.areaId);
}

/** Villages at or under the area, by id. */
export async function villagesUnder(db: Db, area: Pick<AreaRow, 'path'>): Promise<{ id: number; name: string }[]> {
  return placesUnder(db, area, ['village']);
}

/** Villages and townships under the area: the places a store can be. */
export async function storesUnder(db: Db, area: Pick<AreaRow, 'path'>): Promise<{ id: number; name: string }[]> {
  return placesUnder(db, area, ['village', 'township']);
}

async function placesUnder(db: Db, area: Pick<AreaRow, 'path'>, kinds: readonly AreaRow['kind'][]): Promise<{ id: number; name: string }[]> {
  return (await areasUnder(db, area.path))
    .filter((a) => kinds.includes(a.kind))
    .sort((a, b) => a.id - b.id)
    .map(({ id, name }) => ({ id, name }));
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
