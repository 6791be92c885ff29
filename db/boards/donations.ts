import { and, asc, count, desc, eq, inArray, like } from 'drizzle-orm';
import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { areas, donations, goods, stockMovements } from '../schema';

export type DonationRow = typeof donations.$inferSelect;
export type DonorKind = DonationRow['donorKind'];
export type MovementKind = (typeof stockMovements.$inferSelect)['kind'];

const inArea = (path: string, year?: string) => and(like(areas.path, `${path}%`), year ? like(donations.receivedOn, `${year}-%`) : undefined);

/** Donations to the stores at or below a path (optionally in one year), newest first, with store and goods names; and how many match. */
export async function donationPage(
  db: Db,
  f: { path: string; year?: string; limit: number; offset: number },
): Promise<{ rows: Array<{ donation: DonationRow; store: string; goodsName: string | null; unit: string | null }>; total: number }> {
  const where = inArea(f.path, f.year);
  const rows = db
    .select({ donation: donations, store: areas.name, goodsName: goods.name, unit: goods.unit })
    .from(donations)
    .innerJoin(areas, eq(areas.id, donations.storeAreaId))
    .leftJoin(goods, eq(goods.id, donations.goodsId))
    .where(where)
    .orderBy(desc(donations.receivedOn), desc(donations.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  const total = db.select({ n: count() }).from(donations).innerJoin(areas, eq(areas.id, donations.storeAreaId)).where(where).get()?.n ?? 0;
  return { rows, total };
}

/** Named (not anonymous) donations by enterprises, organisations and units at or below a path: who and how much. */
export async function namedOrganisationDonations(db: Db, path: string, year?: string): Promise<Array<{ donorName: string; donorKind: DonorKind; amountFen: number | null }>> {
  return db
    .select({ donorName: donations.donorName, donorKind: donations.donorKind, amountFen: donations.amountFen })
    .from(donations)
    .innerJoin(areas, eq(areas.id, donations.storeAreaId))
    .where(and(inArea(path, year), eq(donations.anonymous, false), inArray(donations.donorKind, ['enterprise', 'organisation', 'unit'])))
    .all();
}

/** Every stock movement of the given goods, per goods in movement order. */
export async function movementsOfGoods(
  db: Db,
  goodsIds: readonly number[],
): Promise<Array<{ goodsId: number; kind: MovementKind; quantity: number; donationId: number | null }>> {
  // One statement per part, ordered within it; goods never span parts, so the per-goods order holds overall.
  return selectInChunks(goodsIds, (part) =>
    db
      .select({ goodsId: stockMovements.goodsId, kind: stockMovements.kind, quantity: stockMovements.quantity, donationId: stockMovements.donationId })
      .from(stockMovements)
      .where(inArray(stockMovements.goodsId, part))
      .orderBy(asc(stockMovements.goodsId), asc(stockMovements.id))
      .all(),
  );
}
