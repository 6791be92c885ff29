import { replicaDb } from '../../../db/client';
import type { Ctx } from '../../lib/context';
import { previewBoard } from '../boards/previewBoard';
import type { BoardKind } from '../boards/schemas';
import { reportArea } from './exportScope';
import type { ExportBoardKindQuery } from './schemas';
import { exportName, writeSheet, type SheetColumn, type XlsxFile } from './writeWorkbook';

const titles: Record<BoardKind, string> = { red: '红榜', black: '黑榜', stars: '星级文明户', leaderboard: '积分排行榜', villages: '各村积分对比' };

type Item = Record<string, unknown>;
const col = (header: string, width: number, key: string, map?: (v: unknown) => string | number | null): SheetColumn<Item> => ({
  header,
  width,
  value: (r) => (map ? map(r[key]) : ((r[key] as string | number | null | undefined) ?? null)),
});
const list = (v: unknown) => (Array.isArray(v) ? v.join('、') : null);

const columns: Record<BoardKind, SheetColumn<Item>[]> = {
  red: [col('名次', 7, 'rank'), col('公示名', 12, 'name'), col('加分', 8, 'earned'), col('好人好事', 50, 'deeds', list)],
  black: [col('公示名', 12, 'name'), col('事项', 30, 'conduct'), col('日期', 12, 'occurredOn'), col('扣分', 8, 'points'), col('整改', 10, 'rectification', (v) => (v === 'pending' ? '整改审核中' : null))],
  stars: [col('名次', 7, 'rank'), col('公示名', 12, 'name'), col('表现积分', 10, 'score'), col('星级', 7, 'stars'), col('达标维度', 40, 'dimensions', list)],
  leaderboard: [col('名次', 7, 'rank'), col('公示名', 12, 'name'), col('村', 12, 'village'), col('表现积分', 10, 'points')],
  villages: [
    col('名次', 7, 'rank'),
    col('村', 12, 'name'),
    col('在册户数', 10, 'households'),
    col('参与户数', 10, 'participants'),
    col('参与率（%）', 11, 'participationRate', (v) => Math.round(Number(v) * 1000) / 10),
    col('总积分', 10, 'totalPoints'),
    col('户均积分', 10, 'pointsPerHousehold'),
  ],
};

/** Any board of the boards module (red, black, stars, leaderboard, village comparison) as computed now. */
export async function exportBoard(ctx: Ctx, query: ExportBoardKindQuery): Promise<XlsxFile> {
  const { kind, areaId, ...boardQuery } = query;
  const db = replicaDb(ctx.db);
  const area = await reportArea(db, ctx, areaId);
  const { board } = await previewBoard(ctx, kind, area.id, boardQuery, db);
  const at = ctx.now.getTime();
  const body = await writeSheet<Item>({ name: titles[kind], title: `${area.name} ${titles[kind]} ${board.period}`, columns: columns[kind], rows: board.items as unknown as Item[] }, at);
  return { filename: exportName(titles[kind], area.name, at, board.period), body };
}
