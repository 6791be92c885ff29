import { replicaDb } from '../../../db/client';
import { publicLedgerEntries, publicVillageChain } from '../../../db/publicLedger/entries';
import type { PublicCtx } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import type { LedgerRangeQuery } from './schemas';

/** Most entries one answer carries: a verifier pages through a chain, a phone stays responsive. */
export const LEDGER_PAGE = 1000;

/**
 * One page of a village's public, name-free ledger: entries `from`… up to `to` (default: the chain's
 * end), at most LEDGER_PAGE of them, and where to continue. Public data of any county (it names no
 * one); not a village → 404. The tree size is read before the entries, so the page never runs past it.
 */
export async function listVillageLedger(ctx: PublicCtx, villageId: number, query: LedgerRangeQuery) {
  const db = replicaDb(ctx.db);
  const chain = await publicVillageChain(db, villageId);
  if (!chain) throw new NotFound('村不存在');
  const end = Math.min(query.to ?? chain.treeSize, chain.treeSize);
  const last = Math.min(end, query.from + LEDGER_PAGE - 1);
  const entries = last >= query.from ? await publicLedgerEntries(db, villageId, query.from, last) : [];
  return { ...chain, entries, nextFrom: last >= query.from && last < end ? last + 1 : null };
}
