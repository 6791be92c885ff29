import { readDb } from '../../../db/client';
import { householdLedgerPage, redemptionGoodsOf } from '../../../db/ledger/entries';
import type { Ctx } from '../../lib/context';
import { getHouseholdInScope } from '../../lib/scope';
import { householdNotices } from './householdNotices';
import { householdObjections } from './householdObjections';
import type { LedgerQuery } from './schemas';

/**
 * The household's balance and its ledger, newest first, with the rule behind each entry (a redemption with
 * its store and goods), what staff did to its code, cards and account, and, for the household itself, the
 * objections it raised and how they ended.
 */
export async function getHouseholdLedger(ctx: Ctx, householdId: number, query: LedgerQuery) {
  const db = readDb(ctx.db);
  const h = await getHouseholdInScope(db, ctx.actor, householdId);
  const page = await householdLedgerPage(db, householdId, query);
  const goods = await redemptionGoodsOf(
    db,
    page.items.flatMap((e) => (e.redemptionId != null ? [e.redemptionId] : [])),
  );
  const items = page.items.map((e) => ({ ...e, redemption: e.redemptionId != null ? (goods.get(e.redemptionId) ?? null) : null }));
  // Who objected stays with the household: staff handle objections in their own queue, without the objector.
  const objections = ctx.actor.role === 'household' ? await householdObjections(db, householdId) : [];
  return { householdId, balance: h.balance, items, total: page.total, notices: await householdNotices(db, householdId), objections };
}
