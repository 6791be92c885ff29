import { and, asc, eq, inArray, like } from 'drizzle-orm';
import { areas, awards, households, objections, ruleVersions } from '../../../db/schema';
import type { PublicCtx } from '../../lib/context';
import { publicName } from '../public/publicName';
import { loadArea } from './boardArea';
import { chunks } from './computeBlackList';

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
export function listNotices(ctx: PublicCtx, areaId: number) {
  const loaded = loadArea(ctx.db, areaId);
  const rows = ctx.db
    .select({
      awardId: awards.id,
      villageId: awards.villageId,
      village: areas.name,
      villagePath: areas.path,
      headName: households.headName,
      doorNo: households.doorNo,
      rule: ruleVersions.name,
      quantity: awards.quantity,
      points: awards.points,
      occurredOn: awards.occurredOn,
      noticeEndsAt: awards.noticeEndsAt,
    })
    .from(awards)
    .innerJoin(areas, eq(areas.id, awards.villageId))
    .innerJoin(households, eq(households.id, awards.householdId))
    .innerJoin(ruleVersions, eq(ruleVersions.id, awards.ruleVersionId))
    .where(and(eq(awards.status, 'notice'), like(areas.path, `${loaded.row.path}%`)))
    .orderBy(asc(awards.noticeEndsAt), asc(awards.id))
    .all();
  const counts = new Map<number, NoticeItem['objections']>();
  for (const part of chunks(rows.map((r) => r.awardId), 500)) {
    for (const o of ctx.db.select({ awardId: objections.awardId, status: objections.status }).from(objections).where(inArray(objections.awardId, part)).all()) {
      const c = counts.get(o.awardId) ?? { open: 0, upheld: 0, dismissed: 0 };
      c[o.status] += 1;
      counts.set(o.awardId, c);
    }
  }
  const modes = new Map<number, 'name' | 'door'>();
  const villages = new Map<number, { villageId: number; name: string; endsAt: number | null; items: NoticeItem[] }>();
  for (const r of rows) {
    if (!modes.has(r.villageId)) modes.set(r.villageId, loadArea(ctx.db, r.villageId).settings.maskMode);
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
