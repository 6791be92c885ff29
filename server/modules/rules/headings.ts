import type { Db } from '../../../db/client';
import { headingsByCode, headingsOfAreas, type HeadingRow } from '../../../db/rules';
import { Invalid } from '../../lib/errors';
import { ruleCategoryLabel } from '../../lib/labels';

export type { HeadingRow };

export const ancestry = (path: string) => path.split('/').filter(Boolean).map(Number);

/** Headings of an area from the template down to its own; `inherited` when an area above owns it. */
export async function headingsInForce(db: Db, area: { id: number; path: string }, includeInactive = true) {
  const rows = await headingsOfAreas(db, ancestry(area.path), { includeInactive });
  return rows.map((h) => ({ ...h, inherited: h.areaId !== area.id }));
}

/** The deepest heading first: a village's own heading wins over an inherited one of the same name. */
function byDepth(rows: HeadingRow[], path: string): HeadingRow[] {
  const order = [null, ...ancestry(path)];
  return [...rows].sort((a, b) => order.indexOf(b.areaId) - order.indexOf(a.areaId));
}

/**
 * The heading a request names, by id, by name as written (公益劳动) or by stored code (hygiene), among
 * the headings in force in the area; the stored code. Anything else is a 400 that writes nothing.
 */
export async function resolveHeading(db: Db, area: { path: string }, input: number | string): Promise<HeadingRow> {
  const rows = byDepth(await headingsOfAreas(db, ancestry(area.path), { includeInactive: false }), area.path);
  const found =
    typeof input === 'number' ? rows.find((h) => h.id === input) : (rows.find((h) => h.name === input.trim()) ?? rows.find((h) => h.code === input.trim()));
  if (!found) throw new Invalid(`类别“${String(input)}”不存在，请先在类别中添加`, undefined, 'unknown_heading');
  return found;
}

/** A function naming stored category codes through their headings (an unknown code is shown as it is). */
export async function headingNamer(db: Db, codes: readonly (string | null | undefined)[]): Promise<(code: string | null | undefined) => string> {
  const known = await headingsByCode(db, codes.filter((c): c is string => !!c));
  return (code) => (code ? (known.get(code)?.name ?? ruleCategoryLabel(code)) : '');
}
