import type { InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

const ledgerRoute = api.households[':id'].ledger;
export type Ledger = InferResponseType<typeof ledgerRoute.$get, 200>;
export type LedgerEntry = Ledger['items'][number];
export type LedgerNotice = Ledger['notices'][number];

export async function getLedger(householdId: number, limit: number, offset: number) {
  return call(ledgerRoute.$get({ param: { id: String(householdId) }, query: { limit: String(limit), offset: String(offset) } }));
}

export function reverseEntry(entryId: number, reason: string) {
  return call(api.ledger[':id'].reverse.$post({ param: { id: String(entryId) }, json: { reason } }));
}
