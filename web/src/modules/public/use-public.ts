import type { InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

const areasRoute = api.public.areas;
export type PublicArea = InferResponseType<typeof areasRoute.$get, 200>['items'][number];

/** Townships and villages for the public area picker (no login). */
export const listPublicAreas = () => call(areasRoute.$get());

const boardRoute = api.public.areas[':id'].leaderboard;
export type Leaderboard = InferResponseType<typeof boardRoute.$get, 200>;
export type LeaderboardRow = Leaderboard['items'][number];

/** The server answers the top 500 at most in one go; the page splits them into screens. */
export function getLeaderboard(areaId: number, period: string) {
  return call(boardRoute.$get({ param: { id: String(areaId) }, query: { period, limit: '500' } }));
}

/** Periods offered on the board: this year, last year, and the last twelve months. */
export function periodChoices(now = new Date()): string[] {
  const day = now.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  const out = [String(y), String(y - 1)];
  for (let i = 0; i < 12; i++) {
    const mm = ((m - 1 - i + 120) % 12) + 1;
    const yy = i >= m ? y - 1 : y;
    out.push(`${yy}-${String(mm).padStart(2, '0')}`);
  }
  return out;
}

const noticesRoute = api.public.areas[':id'].notices;
export type NoticeBoard = InferResponseType<typeof noticesRoute.$get, 200>;
export type NoticeItem = NoticeBoard['villages'][number]['items'][number] & { village: string };

/** Awards on public notice (公示) in an area, flattened across its villages, soonest-ending first. */
export async function listPublicNotices(areaId: number): Promise<NoticeItem[]> {
  const res = await call(noticesRoute.$get({ param: { id: String(areaId) } }));
  return res.villages
    .flatMap((v) => v.items.map((i) => ({ ...i, village: v.name })))
    .sort((a, b) => (a.noticeEndsAt ?? 0) - (b.noticeEndsAt ?? 0));
}
