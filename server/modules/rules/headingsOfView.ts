import { areasByIds } from '../../../db/areas';
import type { Db } from '../../../db/client';
import { headingsByCode, headingsOfAreas } from '../../../db/rules';
import { headingsBelow } from '../../../db/rules/headingsBelow';
import { ruleCategoryLabel } from '../../lib/labels';
import { ancestry } from './headings';

/**
 * Where a heading stands seen from an area: the county template, an area above, the area itself, an
 * area beneath it (a village's own heading seen from its township or county), or a code that no heading
 * row knows (shown as the code's old label, so nothing is hidden).
 */
export type HeadingPlace = 'template' | 'inherited' | 'own' | 'below' | 'unknown';

export interface ViewHeading {
  code: string;
  name: string;
  headingId: number | null;
  /** The owning area's name; null for the template and for unknown codes. */
  areaName: string | null;
  place: HeadingPlace;
  blackList: boolean;
  active: boolean;
}

/**
 * The headings an area's figures are grouped under, in display order: those in force in the area
 * (template, inherited, own) first, then the own headings of areas beneath it, owner by owner. Pass
 * the codes that carry figures: an inactive heading, a heading beneath or an unknown code only shows
 * when it carries figures, so a county of many villages is not a wall of empty rows, yet nothing the
 * ledger holds is left out. `activeBelow` also lists every active heading beneath (a filter's options).
 */
export async function headingsOfView(db: Db, area: { id: number; path: string }, used: ReadonlySet<string>, opts: { activeBelow?: boolean } = {}): Promise<ViewHeading[]> {
  const line = ancestry(area.path);
  const inForce = await headingsOfAreas(db, line);
  const names = new Map((await areasByIds(db, line)).map((a) => [a.id, a.name]));
  const out: ViewHeading[] = [];
  const seen = new Set<string>();
  for (const h of inForce) {
    if (!h.active && !used.has(h.code)) continue;
    const place: HeadingPlace = h.areaId === null ? 'template' : h.areaId === area.id ? 'own' : 'inherited';
    out.push({ code: h.code, name: h.name, headingId: h.id, areaName: h.areaId === null ? null : (names.get(h.areaId) ?? null), place, blackList: h.blackList, active: h.active });
    seen.add(h.code);
  }
  for (const h of await headingsBelow(db, area)) {
    if (!used.has(h.code) && !(opts.activeBelow && h.active)) continue;
    out.push({ code: h.code, name: h.name, headingId: h.id, areaName: h.areaName, place: 'below', blackList: h.blackList, active: h.active });
    seen.add(h.code);
  }
  const rest = [...used].filter((c) => !seen.has(c)).sort();
  // A code beyond the area's line (a heading of another branch) or with no heading row at all.
  const known = await headingsByCode(db, rest);
  for (const code of rest) {
    const h = known.get(code);
    out.push({ code, name: h?.name ?? ruleCategoryLabel(code), headingId: h?.id ?? null, areaName: null, place: 'unknown', blackList: h?.blackList ?? false, active: h?.active ?? false });
  }
  return out;
}

/** How a heading is named where several areas' headings stand side by side: 减分项目（龙潭村）. */
export function viewHeadingLabel(h: Pick<ViewHeading, 'name' | 'areaName' | 'place'>): string {
  return h.place === 'below' && h.areaName ? `${h.name}（${h.areaName}）` : h.name;
}
