import { readDb } from '../../../db/client';
import { householdLedgerPage } from '../../../db/ledger/entries';
import type { Ctx } from '../../lib/context';
import { getHouseholdInScope } from '../../lib/scope';
import { householdNotices } from './householdNotices';
import type { LedgerQuery } from './schemas';

/** The household's balance and its ledger, newest first, with the rule behind each entry, and what staff did to its code, cards and account. */
export async function getHouseholdLedger(ctx: Ctx, householdId: number, query: LedgerQuery) {
  const db = readDb(ctx.db);
  const h = await getHouseholdInScope(db, ctx.actor, householdId);
  const { items, total } = await householdLedgerPage(db, householdId, query);
  return { householdId, balance: h.balance, items, total, notices: await householdNotices(db, householdId) };
}
