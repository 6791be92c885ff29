import { donations } from '../schema';
import type { Tx } from '../transaction';

export type DonationRow = typeof donations.$inferSelect;
export type DonorKind = DonationRow['donorKind'];
export type NewDonation = Omit<typeof donations.$inferInsert, 'id'>;

/** Records a donation for public disclosure; its goods arrive as a `donation` stock movement. */
export async function insertDonation(tx: Tx, values: NewDonation): Promise<number> {
  return tx.insert(donations).values(values).returning({ id: donations.id }).get().id;
}
