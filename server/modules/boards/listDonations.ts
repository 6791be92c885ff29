import { donationPage, movementsOfGoods, namedOrganisationDonations, type DonationRow, type DonorKind } from '../../../db/boards/donations';
import { replicaDb, type Db } from '../../../db/client';
import type { PublicCtx } from '../../lib/context';
import { maskName } from '../../lib/identity';
import { loadArea } from './boardArea';
import { withRanks } from './ranking';
import type { DonationsQuery } from './schemas';

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
export async function donationDrawdown(db: Db, goodsIds: number[]): Promise<Map<number, Drawdown>> {
  const out = new Map<number, Drawdown>();
  const moves = await movementsOfGoods(db, goodsIds);
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
  return out;
}

/** 捐赠信息公开: every donation to the stores of an area, newest first, with where donated goods went. */
export async function listDonations(ctx: PublicCtx, areaId: number, q: DonationsQuery) {
  const db = replicaDb(ctx.db);
  const loaded = await loadArea(db, areaId);
  const { rows, total } = await donationPage(db, { path: loaded.row.path, year: q.year, limit: q.limit, offset: q.offset });
  const drawdown = await donationDrawdown(db, [...new Set(rows.map((r) => r.donation.goodsId).filter((id): id is number => id != null))]);
  return {
    area: loaded.area,
    year: q.year ?? null,
    total,
    items: rows.map((r) => ({
      id: r.donation.id,
      donor: publicDonor(r.donation),
      donorKind: r.donation.donorKind,
      what: r.goodsName ?? r.donation.description ?? '',
      description: r.donation.description,
      quantity: r.donation.quantity,
      unit: r.unit,
      amountFen: r.donation.amountFen,
      receivedOn: r.donation.receivedOn,
      store: r.store,
      drawdown: r.donation.goodsId != null ? (drawdown.get(r.donation.id) ?? null) : null,
    })),
  };
}

/** 企业扶贫光荣榜: enterprises, organisations and units (never private persons, never the anonymous) by total value given. */
export async function getHonourRoll(ctx: PublicCtx, areaId: number, year?: string) {
  const db = replicaDb(ctx.db);
  const loaded = await loadArea(db, areaId);
  const rows = await namedOrganisationDonations(db, loaded.row.path, year);
  const totals = new Map<string, { donor: string; donorKind: DonorKind; totalFen: number; donations: number }>();
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
