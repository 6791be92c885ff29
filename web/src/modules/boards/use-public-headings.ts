import type { InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

const headings = api.public.areas[':id'].headings;

export type PublicHeadings = InferResponseType<typeof headings.$get, 200>;
export type PublicHeading = PublicHeadings['items'][number];

/** The headings a public board of an area can be filtered by: in force there, then those of villages beneath. */
export const getPublicHeadings = (areaId: number) => call(headings.$get({ param: { id: String(areaId) } }));

/** A heading code as the live board accepts it (the shape, so a shared link works before the list loads). */
export const isHeadingCode = (c: string) => /^[a-z][a-z0-9_]{0,39}$/.test(c);

/** The headings in force first, then one group per village beneath (its own headings). */
export function groupHeadings(items: readonly PublicHeading[]): { inForce: PublicHeading[]; below: { area: string; items: PublicHeading[] }[] } {
  const inForce = items.filter((h) => h.place !== 'below');
  const below = new Map<string, PublicHeading[]>();
  for (const h of items) if (h.place === 'below') below.set(h.areaName ?? '', [...(below.get(h.areaName ?? '') ?? []), h]);
  return { inForce, below: [...below].map(([area, list]) => ({ area, items: list })) };
}
