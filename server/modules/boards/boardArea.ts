import { eq, inArray } from 'drizzle-orm';
import { areas } from '../../../db/schema';
import type { Db } from '../../../db/client';
import { NotFound } from '../../lib/errors';
import type { AreaRow } from '../../lib/scope';
import { resolveSettings, type AreaSettings } from '../areas/resolveSettings';

export interface BoardArea {
  id: number;
  name: string;
  kind: AreaRow['kind'];
  /** "测试县 东乡 东村": the names from the county down, for poster headings. */
  trail: string;
}

export interface LoadedArea {
  row: AreaRow;
  area: BoardArea;
  settings: AreaSettings;
}

/** An area with its display trail and effective settings; groups and unknown ids are 404. */
export function loadArea(db: Db, areaId: number): LoadedArea {
  const row = db.select().from(areas).where(eq(areas.id, areaId)).get();
  if (!row || row.kind === 'group') throw new NotFound('区域不存在');
  const ids = row.path.split('/').filter(Boolean).map(Number);
  const names = new Map(db.select({ id: areas.id, name: areas.name }).from(areas).where(inArray(areas.id, ids)).all().map((a) => [a.id, a.name]));
  const trail = ids.map((id) => names.get(id) ?? '').filter(Boolean).join(' ');
  return { row, area: { id: row.id, name: row.name, kind: row.kind, trail }, settings: resolveSettings(db, row.path) };
}
