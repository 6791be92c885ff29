import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

const pub = api.public;
const published = pub.areas[':id'].published[':kind'];
const live = pub.areas[':id'].live[':kind'];
const preview = api.boards.preview[':kind'][':id'];

export type PublishedBoard = InferResponseType<typeof published.$get, 200>;
export type Board = NonNullable<PublishedBoard['board']>;
export type BoardKind = Board['kind'];
export type BoardOf<K extends BoardKind> = Extract<Board, { kind: K }>;
export type LiveBoard = InferResponseType<typeof live.$get, 200>;
export type Notices = InferResponseType<(typeof pub.areas)[':id']['notices']['$get'], 200>;
export type Donations = InferResponseType<(typeof pub.areas)[':id']['donations']['$get'], 200>;
export type HonourRoll = InferResponseType<(typeof pub.areas)[':id']['honour-roll']['$get'], 200>;
export type PublicStars = InferResponseType<(typeof pub.households)[':id']['stars']['$get'], 200>;
export type PublicPublication = InferResponseType<(typeof pub.publications)[':id']['$get'], 200>;
export type Publications = InferResponseType<typeof api.boards.publications.$get, 200>;
export type Publication = Publications['items'][number];
export type PublicationDetail = InferResponseType<(typeof api.boards.publications)[':id']['$get'], 200>;
export type BoardSpec = InferRequestType<typeof api.boards.publications.$post>['json'];
export type Rectifications = InferResponseType<typeof api.boards.rectifications.$get, 200>;
export type HouseholdStars = InferResponseType<(typeof api.boards.stars.household)[':id']['$get'], 200>;

export type BoardQuery = InferRequestType<typeof preview.$get>['query'];
export type RuleCategory = NonNullable<BoardQuery['category']>;
export const ruleCategoryList: RuleCategory[] = ['public_welfare', 'hygiene', 'family_virtue', 'civility', 'law_abiding', 'industrious', 'education'];

/** Published-only kinds: red list, black list and stars are public once a reviewer approved them. */
export const publishedKinds = ['red', 'black', 'stars'] as const;
export const liveKinds = ['leaderboard', 'villages'] as const;

export const getPublished = (areaId: number, kind: BoardKind, period: string) => call(published.$get({ param: { id: String(areaId), kind }, query: { period } }));
export const getLive = (areaId: number, kind: 'leaderboard' | 'villages', query: BoardQuery) => call(live.$get({ param: { id: String(areaId), kind }, query }));
export const getNotices = (areaId: number) => call(pub.areas[':id'].notices.$get({ param: { id: String(areaId) } }));
export const getDonations = (areaId: number, year?: string) =>
  call(pub.areas[':id'].donations.$get({ param: { id: String(areaId) }, query: { limit: '500', offset: '0', ...(year ? { year } : {}) } }));
export const getHonourRoll = (areaId: number, year?: string) => call(pub.areas[':id']['honour-roll'].$get({ param: { id: String(areaId) }, query: year ? { year } : {} }));
export const getPublicStars = (householdId: number, year?: string) => call(pub.households[':id'].stars.$get({ param: { id: String(householdId) }, query: year ? { year } : {} }));
export const getPublicPublication = (id: number) => call(pub.publications[':id'].$get({ param: { id: String(id) } }));

export const previewBoard = (kind: BoardKind, areaId: number, query: BoardQuery) => call(preview.$get({ param: { kind, id: String(areaId) }, query }));
export const listPublications = (query: { status?: 'pending' | 'approved' | 'rejected'; limit?: string; offset?: string }) =>
  call(api.boards.publications.$get({ query: { limit: '50', offset: '0', ...query } }));
export const getPublication = (id: number) => call(api.boards.publications[':id'].$get({ param: { id: String(id) } }));
export const proposePublication = (spec: BoardSpec) => call(api.boards.publications.$post({ json: spec }));
export const approvePublication = (id: number) => call(api.boards.publications[':id'].approve.$post({ param: { id: String(id) } }));
export const rejectPublication = (id: number, reason: string) => call(api.boards.publications[':id'].reject.$post({ param: { id: String(id) }, json: { reason } }));
export const listRectifications = (status?: 'pending' | 'approved' | 'rejected') =>
  call(api.boards.rectifications.$get({ query: { limit: '100', offset: '0', ...(status ? { status } : {}) } }));
export const proposeRectification = (body: { ledgerEntryId: number; rectifiedOn: string; note: string }) => call(api.boards.rectifications.$post({ json: body }));
export const approveRectification = (id: number) => call(api.boards.rectifications[':id'].approve.$post({ param: { id: String(id) } }));
export const rejectRectification = (id: number, reason: string) => call(api.boards.rectifications[':id'].reject.$post({ param: { id: String(id) }, json: { reason } }));
/** For the household page (staff, or the household itself): stars computed now and as published. */
export const getHouseholdStars = (householdId: number, year?: string) =>
  call(api.boards.stars.household[':id'].$get({ param: { id: String(householdId) }, query: year ? { year } : {} }));

/** Print pages are server-rendered A4 posters. */
export function printUrl(areaId: number, tab: string, period: string | null): string {
  if (tab === 'notices') return `/print/areas/${areaId}/notices`;
  if (tab === 'donations') return `/print/areas/${areaId}/donations${period ? `?year=${period}` : ''}`;
  return `/print/areas/${areaId}/${tab}?period=${encodeURIComponent(period ?? '')}`;
}

/** Periods offered: this year and last, this year's quarters so far, and the last twelve months (Shanghai time). */
export function periodOptions(now = new Date()): string[] {
  const day = now.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  const out: string[] = [];
  for (let i = 0; i < 12; i++) {
    const mm = ((m - 1 - i + 120) % 12) + 1;
    const yy = y - (i >= m ? 1 : 0);
    out.push(`${yy}-${String(mm).padStart(2, '0')}`);
  }
  for (let q = Math.ceil(m / 3); q >= 1; q--) out.push(`${y}-Q${q}`);
  out.push(String(y), String(y - 1));
  return out;
}

export function yearOptions(now = new Date()): string[] {
  const y = Number(now.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4));
  return [String(y), String(y - 1), String(y - 2)];
}

export function starsText(n: number): string {
  return '★'.repeat(n) + '☆'.repeat(Math.max(0, 5 - n));
}
