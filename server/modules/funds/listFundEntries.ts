import { readDb } from '../../../db/client';
import { listFundEntriesOfStore } from '../../../db/funds/entries';
import type { Ctx } from '../../lib/context';
import { periodSpan } from '../excel/exportScope';
import { getManagedStore } from '../goods/stores';
import type { ListFundsQuery } from './schemas';

/** The money entries of a store the actor keeps, newest book day first, optionally of one month. */
export async function listFundEntries(ctx: Ctx, q: ListFundsQuery) {
  const db = readDb(ctx.db);
  const store = await getManagedStore(db, ctx.actor, q.storeAreaId);
  const span = q.month ? periodSpan(q.month) : null;
  const { items, total } = await listFundEntriesOfStore(db, { storeAreaId: store.id, fromDay: span?.from, toDay: span?.to, limit: q.limit, offset: q.offset });
  return {
    store: { id: store.id, name: store.name },
    total,
    items: items.map((e) => ({
      id: e.id,
      kind: e.kind,
      source: e.source,
      sourceName: e.sourceName,
      amountFen: e.amountFen,
      onDay: e.onDay,
      supplier: e.supplier,
      invoiceNo: e.invoiceNo,
      movementId: e.movementId,
      goodsId: e.goodsId,
      goodsName: e.goodsName,
      quantity: e.quantity,
      reversesId: e.reversesId,
      reversedBy: e.reversedBy,
      note: e.note,
      createdBy: e.createdByName,
      createdAt: e.createdAt,
    })),
  };
}
