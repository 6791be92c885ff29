import { awardsOnNotice, objectionCounts } from '../../../db/boards/notices';
import { replicaDb } from '../../../db/client';
import type { PublicCtx } from '../../lib/context';
import { publicName } from '../public/publicName';
import { loadArea } from './boardArea';

export interface NoticeItem {
  awardId: number;
  name: string;
  rule: string;
  quantity: number;
  points: number;
  occurredOn: string;
  noticeEndsAt: number | null;
  /** Counts by status only: who objected is never shown. */
  objections: { open: number; upheld: number; dismissed: number };
}

/**
 * 公示: awards on public notice in an area, grouped per village, soonest-ending first. Notes, member
 * names and evidence stay off the public page; an objection is raised by a logged-in household through
 * POST /api/awards/:id/objections.
 */
export async function listNotices(ctx: PublicCtx, areaId: number) {
  const db = replicaDb(ctx.db);
  const loaded = await loadArea(db, areaId);
  const rows = await awardsOnNotice(db, loaded.row.path);
  const counts = await objectionCounts(
    db,
    rows.map((r) => r.awardId),
  );
  const modes = new Map<number, 'name' | 'door'>();
  const villages = new Map<number, { villageId: number; name: string; endsAt: number | null; items: NoticeItem[] }>();
  for (const r of rows) {
    if (!modes.has(r.villageId)) modes.set(r.villageId, (await loadArea(db, r.villageId)).settings.maskMode);
    const v = villages.get(r.villageId) ?? { villageId: r.villageId, name: r.village, endsAt: null, items: [] };
    v.items.push({
      awardId: r.awardId,
      name: publicName(modes.get(r.villageId)!, r.headName, r.doorNo),
      rule: r.rule,
      quantity: r.quantity,
      points: r.points,
      occurredOn: r.occurredOn,
      noticeEndsAt: r.noticeEndsAt,
      objections: counts.get(r.awardId) ?? { open: 0, upheld: 0, dismissed: 0 },
    });
    if (r.noticeEndsAt != null) v.endsAt = Math.max(v.endsAt ?? 0, r.noticeEndsAt);
    villages.set(r.villageId, v);
  }
  return { area: loaded.area, villages: [...villages.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')), total: rows.length };
}
