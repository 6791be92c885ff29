import { readDb } from '../../../db/client';
import type { PublicCtx } from '../../lib/context';
import { loadArea } from '../boards/boardArea';
import { headingsOfView, viewHeadingLabel } from './headingsOfView';

/**
 * The catalogue headings a public board of an area can be filtered by, without logging in: those in
 * force in the area, then the active own headings of the villages beneath it, each named with its
 * village. Names and codes only; a catalogue is public in the village anyway (村规民约).
 */
export async function listPublicHeadings(ctx: PublicCtx, areaId: number) {
  const db = readDb(ctx.db);
  const { row, area } = await loadArea(db, areaId);
  const items = await headingsOfView(db, row, new Set(), { activeBelow: true });
  return {
    area: { id: area.id, name: area.name, kind: area.kind },
    items: items.filter((h) => h.active).map((h) => ({ code: h.code, name: h.name, label: viewHeadingLabel(h), areaName: h.areaName, place: h.place, blackList: h.blackList })),
  };
}
