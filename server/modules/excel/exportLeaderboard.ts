import { replicaDb } from '../../../db/client';
import { leaderboardForExport } from '../../../db/excel/exports';
import type { Ctx } from '../../lib/context';
import { Invalid } from '../../lib/errors';
import { resolveSettings } from '../areas/resolveSettings';
import { publicName } from '../public/publicName';
import { reportArea } from './exportScope';
import type { ExportBoardQuery } from './schemas';
import { exportName, writeSheet, type XlsxFile } from './writeWorkbook';

/** The conduct-score leaderboard as published, with the full names staff need beside the public ones. */
export async function exportLeaderboard(ctx: Ctx, query: ExportBoardQuery): Promise<XlsxFile> {
  const db = replicaDb(ctx.db);
  const area = await reportArea(db, ctx, query.areaId);
  if (area.kind === 'group') throw new Invalid('榜单按村、乡镇或县发布', undefined, 'invalid_area');
  const settings = await resolveSettings(db, area.path);
  const rows = await leaderboardForExport(db, area.kind, area.id, query.period, query.limit);
  let rank = 0;
  let previous: number | null = null;
  const ranked = rows.map((r, i) => {
    if (r.score !== previous) {
      rank = i + 1;
      previous = r.score;
    }
    return { ...r, rank, shown: publicName(settings.maskMode, r.headName, r.doorNo) };
  });
  type R = (typeof ranked)[number];
  const at = ctx.now.getTime();
  const body = await writeSheet<R>(
    {
      name: '积分排行榜',
      title: `${area.name} 积分排行榜 ${query.period}`,
      columns: [
        { header: '名次', width: 7, value: (r) => r.rank },
        { header: '公示名', width: 12, value: (r) => r.shown },
        { header: '户主姓名', width: 12, value: (r) => r.headName },
        { header: '门牌号', width: 10, value: (r) => r.doorNo },
        { header: '村', width: 10, value: (r) => r.village },
        { header: '表现积分', width: 10, value: (r) => r.score },
        { header: '加分', width: 8, value: (r) => r.earned },
        { header: '扣分', width: 8, value: (r) => r.deducted },
      ],
      rows: ranked,
    },
    at,
  );
  return { filename: exportName('积分排行榜', area.name, at, query.period), body };
}
