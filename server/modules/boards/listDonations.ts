import { and, asc, count, desc, eq, inArray, like } from 'drizzle-orm';
import { areas, donations, goods, stockMovements } from '../../../db/schema';
import type { PublicCtx } from '../../lib/context';
import { maskName } from '../../lib/identity';
import { loadArea } from './boardArea';
import { chunks } from './computeBlackList';
import { withRanks } from './ranking';
import type { DonationsQuery } from './schemas';

type DonationRow = typeof donations.$inferSelect;

/** How a donor appears in public: 匿名 when anonymous; a private person only by a masked name. */
export function publicDonor(d: Pick<DonationRow, 'anonymous' | 'donorKind' | 'donorName'>): string {
  if (d.anonymous) return '匿名';
  return d.donorKind === 'person' ? maskName(d.donorName) : d.donorName;
}

export interface Drawdown {
  received: number;
  redeemed: number;
  lost: number;
  remaining: number;
}

/**
 * Where donated goods went, first in first out: per goods, stock arrives in lots (purchase, donation,
 * return) in movement order, and every redemption or loss takes from the oldest lot still holding
 * stock. A donation's lot therefore reports how much of it has been redeemed, lost, or is still on
 * the shelf. Returns (a reversed redemption) come back as a new, non-donated lot.
 */
export function donationDrawdown(ctx: PublicCtx, goodsIds: number[]): Map<number, Drawdown> {
  const out = new Map<number, Drawdown>();
  for (const part of chunks(goodsIds, 500)) {
    const moves = ctx.db
      .select({ goodsId: stockMovements.goodsId, kind: stockMovements.kind, quantity: stockMovements.quantity, donationId: stockMovements.donationId })
      .from(stockMovements)
      .where(inArray(stockMovements.goodsId, part))
      .orderBy(asc(stockMovements.goodsId), asc(stockMovements.id))
      .all();
    const lots = new Map<number, Array<{ donationId: number | null; left: number }>>();
    for (const m of moves) {
      const queue = lots.get(m.goodsId) ?? [];
      lots.set(m.goodsId, queue);
      if (m.quantity > 0) {
        queue.push({ donationId: m.kind === 'donation' ? m.donationId : null, left: m.quantity });
        if (m.kind === 'donation' && m.donationId != null) {
          const d = out.get(m.donationId) ?? { received: 0, redeemed: 0, lost: 0, remaining: 0 };
          d.received += m.quantity;
          d.remaining += m.quantity;
          out.set(m.donationId, d);
        }
        continue;
      }
      let need = -m.quantity;
      while (need > 0 && queue.length) {
        const lot = queue[0];
        const take = Math.min(lot.left, need);
        lot.left -= take;
        need -= take;
        if (lot.donationId != null) {
          const d = out.get(lot.donationId)!;
          d.remaining -= take;
          if (m.kind === 'redemption') d.redeemed += take;
          else d.lost += take;
        }
        if (lot.left === 0) queue.shift();
      }
    }
  }
  return out;
}

function donationsIn(ctx: PublicCtx, path: string, year?: string) {
  return and(like(areas.path, `${path}%`), year ? like(donations.receivedOn, `${year}-%`) : undefined);
}

/** 捐赠信息公开: every donation to the stores of an area, newest first, with where donated goods went. */
export function listDonations(ctx: PublicCtx, areaId: number, q: DonationsQuery) {
  const loaded = loadArea(ctx.db, areaId);
  const where = donationsIn(ctx, loaded.row.path, q.year);
  const rows = ctx.db
    .select({ d: donations, store: areas.name, goodsName: goods.name, unit: goods.unit })
    .from(donations)
    .innerJoin(areas, eq(areas.id, donations.storeAreaId))
    .leftJoin(goods, eq(goods.id, donations.goodsId))
    .where(where)
    .orderBy(desc(donations.receivedOn), desc(donations.id))
    .limit(q.limit)
    .offset(q.offset)
    .all();
  const total = ctx.db.select({ n: count() }).from(donations).innerJoin(areas, eq(areas.id, donations.storeAreaId)).where(where).get()?.n ?? 0;
  const drawdown = donationDrawdown(ctx, [...new Set(rows.map((r) => r.d.goodsId).filter((id): id is number => id != null))]);
  return {
    area: loaded.area,
    year: q.year ?? null,
    total,
    items: rows.map((r) => ({
      id: r.d.id,
      donor: publicDonor(r.d),
      donorKind: r.d.donorKind,
      what: r.goodsName ?? r.d.description ?? '',
      description: r.d.description,
      quantity: r.d.quantity,
      unit: r.unit,
      amountFen: r.d.amountFen,
      receivedOn: r.d.receivedOn,
      store: r.store,
      drawdown: r.d.goodsId != null ? (drawdown.get(r.d.id) ?? null) : null,
    })),
  };
}

/** 企业扶贫光荣榜: enterprises, organisations and units (never private persons, never the anonymous) by total value given. */
export function getHonourRoll(ctx: PublicCtx, areaId: number, year?: string) {
  const loaded = loadArea(ctx.db, areaId);
  const rows = ctx.db
    .select({ donorName: donations.donorName, donorKind: donations.donorKind, amountFen: donations.amountFen })
    .from(donations)
    .innerJoin(areas, eq(areas.id, donations.storeAreaId))
    .where(and(donationsIn(ctx, loaded.row.path, year), eq(donations.anonymous, false), inArray(donations.donorKind, ['enterprise', 'organisation', 'unit'])))
    .all();
  const totals = new Map<string, { donor: string; donorKind: string; totalFen: number; donations: number }>();
  for (const r of rows) {
    const key = `${r.donorKind}|${r.donorName}`;
    const t = totals.get(key) ?? { donor: r.donorName, donorKind: r.donorKind, totalFen: 0, donations: 0 };
    t.totalFen += r.amountFen ?? 0;
    t.donations += 1;
    totals.set(key, t);
  }
  const items = [...totals.values()].sort((a, b) => b.totalFen - a.totalFen || (a.donor < b.donor ? -1 : a.donor > b.donor ? 1 : 0));
  return { area: loaded.area, year: year ?? null, items: withRanks(items, (i) => i.totalFen) };
}
