import { sqlOf } from '../sql';
import type { Tx } from '../transaction';

export type DonorKind = 'enterprise' | 'organisation' | 'unit' | 'person';

export interface DonationRow {
  id: number;
  storeAreaId: number;
  donorName: string;
  donorKind: DonorKind;
  anonymous: boolean;
  goodsId: number | null;
  quantity: number | null;
  /** Money in fen; for goods, their estimated value. */
  amountFen: number | null;
  description: string | null;
  receivedOn: string;
  createdBy: number | null;
  createdAt: number;
}

/** Columns with a default (donor kind: enterprise; anonymous: no) or nullable may be left out. */
export type NewDonation = Omit<DonationRow, 'id' | 'donorKind' | 'anonymous' | 'goodsId' | 'quantity' | 'amountFen' | 'description' | 'createdBy'> &
  Partial<Pick<DonationRow, 'donorKind' | 'anonymous' | 'goodsId' | 'quantity' | 'amountFen' | 'description' | 'createdBy'>>;

/** Records a donation for public disclosure; its goods arrive as a `donation` stock movement. */
export async function insertDonation(tx: Tx, values: NewDonation): Promise<number> {
  const row = await sqlOf(tx).get<{ id: number }>(
    `INSERT INTO donations (store_area_id, donor_name, donor_kind, anonymous, goods_id, quantity, amount_fen, description, received_on, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [
      values.storeAreaId,
      values.donorName,
      values.donorKind ?? 'enterprise',
      values.anonymous ?? false,
      values.goodsId ?? null,
      values.quantity ?? null,
      values.amountFen ?? null,
      values.description ?? null,
      values.receivedOn,
      values.createdBy ?? null,
      values.createdAt,
    ],
  );
  return row!.id;
}
