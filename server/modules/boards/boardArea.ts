import { areaNames, areaRow, type BoardAreaRow } from '../../../db/boards/areas';
import type { Db } from '../../../db/client';
import { NotFound } from '../../lib/errors';
import { resolveSettings, type AreaSettings } from '../areas/resolveSettings';

export interface BoardArea {
  id: number;
  name: string;
  kind: BoardAreaRow['kind'];
  /** "测试县 东乡 东村": the names from the county down, for poster headings. */
  trail: string;
}

export interface LoadedArea {
  row: BoardAreaRow;
  area: BoardArea;
  settings: AreaSettings;
}

/** An area with its display trail and effective settings; groups and unknown ids are 404. */
export async function loadArea(db: Db, areaId: number): Promise<LoadedArea> {
  const row = await areaRow(db, areaId);
  if (!row || row.kind === 'group') throw new NotFound('区域不存在');
  const ids = row.path.split('/').filter(Boolean).map(Number);
  const names = await areaNames(db, ids);
  const trail = ids.map((id) => names.get(id) ?? '').filter(Boolean).join(' ');
  return { row, area: { id: row.id, name: row.name, kind: row.kind, trail }, settings: await resolveSettings(db, row.path) };
}
