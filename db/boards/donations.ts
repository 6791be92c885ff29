import type { Db } from '../client';
import { selectInChunks } from '../inChunks';
import { sqlOf, type SqlParam } from '../sql';

export type DonorKind = 'enterprise' | 'organisation' | 'unit' | 'person';
export type MovementKind = 'purchase' | 'donation' | 'redemption' | 'loss' | 'return';

/** A donation as stored (see the `donations` table). */
export interface DonationRow {
  id: number;
  storeAreaId: number;
  donorName: string;
  donorKind: DonorKind;
  anonymous: boolean;
  goodsId: number | null;
  quantity: number | null;
  /** Money in fen; goods donations carry an estimated value. */
  amountFen: number | null;
  description: string | null;
  receivedOn: string;
  createdBy: number | null;
  createdAt: number;
}

/** `areas a` at or below the path and, with a year, `donations d` received in it; and the parameters. */
function inArea(path: string, year?: string): { where: string; params: SqlParam[] } {
  return year ? { where: 'a.path LIKE ? AND d.received_on LIKE ?', params: [`${path}%`, `${year}-%`] } : { where: 'a.path LIKE ?', params: [`${path}%`] };
}

/** Donations to the stores at or below a path (optionally in one year), newest first, with store and goods names; and how many match. */
export async function donationPage(
  db: Db,
  f: { path: string; year?: string; limit: number; offset: number },
): Promise<{ rows: Array<{ donation: DonationRow; store: string; goodsName: string | null; unit: string | null }>; total: number }> {
  const q = sqlOf(db);
  const w = inArea(f.path, f.year);
  const rows = await q.all<Omit<DonationRow, 'anonymous'> & { anonymous: number | boolean; store: string; goodsName: string | null; unit: string | null }>(
    `SELECT d.id AS id, d.store_area_id AS "storeAreaId", d.donor_name AS "donorName", d.donor_kind AS "donorKind", d.anonymous AS anonymous,
            d.goods_id AS "goodsId", d.quantity AS quantity, d.amount_fen AS "amountFen", d.description AS description, d.received_on AS "receivedOn",
            d.created_by AS "createdBy", d.created_at AS "createdAt", a.name AS store, g.name AS "goodsName", g.unit AS unit
       FROM donations d
       JOIN areas a ON a.id = d.store_area_id
       LEFT JOIN goods g ON g.id = d.goods_id
      WHERE ${w.where}
      ORDER BY d.received_on DESC, d.id DESC
      LIMIT ? OFFSET ?`,
    [...w.params, f.limit, f.offset],
  );
  const total = (await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM donations d JOIN areas a ON a.id = d.store_area_id WHERE ${w.where}`, w.params))?.n ?? 0;
  return {
    rows: rows.map(({ store, goodsName, unit, ...d }) => ({ donation: { ...d, anonymous: Boolean(d.anonymous) }, store, goodsName, unit })),
    total,
  };
}

/** Named (not anonymous) donations by enterprises, organisations and units at or below a path: who and how much. */
export async function namedOrganisationDonations(db: Db, path: string, year?: string): Promise<Array<{ donorName: string; donorKind: DonorKind; amountFen: number | null }>> {
  const w = inArea(path, year);
  return sqlOf(db).all<{ donorName: string; donorKind: DonorKind; amountFen: number | null }>(
    `SELECT d.donor_name AS "donorName", d.donor_kind AS "donorKind", d.amount_fen AS "amountFen"
       FROM donations d
       JOIN areas a ON a.id = d.store_area_id
      WHERE ${w.where} AND NOT d.anonymous AND d.donor_kind IN ('enterprise', 'organisation', 'unit')
      ORDER BY d.id`,
    w.params,
  );
}

/** Every stock movement of the given goods, per goods in movement order. */
export async function movementsOfGoods(
  db: Db,
  goodsIds: readonly number[],
): Promise<Array<{ goodsId: number; kind: MovementKind; quantity: number; donationId: number | null }>> {
  const q = sqlOf(db);
  // One statement per part, ordered within it; goods never span parts, so the per-goods order holds overall.
  return selectInChunks(goodsIds, async (part) =>
    q.all<{ goodsId: number; kind: MovementKind; quantity: number; donationId: number | null }>(
      `SELECT goods_id AS "goodsId", kind, quantity, donation_id AS "donationId" FROM stock_movements
        WHERE goods_id IN (${part.map(() => '?').join(', ')}) ORDER BY goods_id ASC, id ASC`,
      part,
    ),
  );
}
