import { and, asc, eq, like, ne } from 'drizzle-orm';
import type { Db } from '../client';
import { areas, ruleHeadings } from '../schema';
import type { HeadingRow } from './headings';

/**
 * Headings owned by the areas strictly beneath an area (a township's villages, a county's townships
 * and villages), each with its owner's name and path, in owner then display order.
 */
export async function headingsBelow(db: Db, area: { id: number; path: string }): Promise<(HeadingRow & { areaName: string; areaPath: string })[]> {
  return db
    .select({ heading: ruleHeadings, areaName: areas.name, areaPath: areas.path })
    .from(ruleHeadings)
    .innerJoin(areas, eq(areas.id, ruleHeadings.areaId))
    .where(and(like(areas.path, `${area.path}%`), ne(areas.id, area.id)))
    .orderBy(asc(areas.path), asc(ruleHeadings.sortOrder), asc(ruleHeadings.id))
    .all()
    .map((r) => ({ ...r.heading, areaName: r.areaName, areaPath: r.areaPath }));
}
