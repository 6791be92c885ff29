import type { Db } from '../client';
import { sqlOf } from '../sql';
import { asHeading, headingColumns, type HeadingRow } from './headings';

/**
 * Headings owned by the areas strictly beneath an area (a township's villages, a county's townships
 * and villages), each with its owner's name and path, in owner then display order.
 */
export async function headingsBelow(db: Db, area: { id: number; path: string }): Promise<(HeadingRow & { areaName: string; areaPath: string })[]> {
  const rows = await sqlOf(db).all<HeadingRow & { areaName: string; areaPath: string }>(
    `SELECT ${headingColumns('h.')}, a.name AS "areaName", a.path AS "areaPath"
       FROM rule_headings h JOIN areas a ON a.id = h.area_id
      WHERE a.path LIKE ? AND a.id <> ?
      ORDER BY a.path, h.sort_order, h.id`,
    [`${area.path}%`, area.id],
  );
  return rows.map(asHeading);
}
