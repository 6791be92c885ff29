import { readDb } from '../../../db/client';
import { liveCostsOfMovement, movementForCost } from '../../../db/funds/entries';
import { shanghaiDay } from '../../../db/time';
import { transaction } from '../../../db/transaction';
import type { Ctx } from '../../lib/context';
import { Conflict, Invalid, NotFound, Unprocessable } from '../../lib/errors';
import { getManagedStore } from '../goods/stores';
import { bookPurchaseCost, purchaseTotalFen } from './purchaseCost';
import type { PurchaseCostBody } from './schemas';

/**
 * Costs a purchase received without one (opening stock, an invoice that came later) or whose cost was
 * reversed: the money leaves the store's funds today; the goods' FIFO lot takes this cost.
 */
export async function costPurchase(ctx: Ctx, body: PurchaseCostBody) {
  const db = readDb(ctx.db);
  const m = await movementForCost(db, body.movementId);
  if (!m) throw new NotFound('入库记录不存在');
  await getManagedStore(db, ctx.actor, m.storeAreaId).catch(() => {
    throw new NotFound('入库记录不存在');
  });
  if (m.kind !== 'purchase') throw new Unprocessable('not_a_purchase', '只有采购入库可以登记进价');
  const totalFen = purchaseTotalFen(body, m.quantity);
  if (totalFen === null) throw new Invalid('请填写进价（单价或总价）', { field: 'totalCostFen' });
  return transaction(ctx.db, async (tx) => {
    // Checked under the write lock: two clerks costing the same delivery book it once.
    if ((await liveCostsOfMovement(tx, m.id)).length) throw new Conflict('already_costed', '该次采购已登记进价，如有错误请先冲正');
    return bookPurchaseCost(tx, ctx, {
      storeAreaId: m.storeAreaId,
      movementId: m.id,
      goodsId: m.goodsId,
      quantity: m.quantity,
      totalFen,
      onDay: shanghaiDay(ctx.now.getTime()),
      supplier: body.supplier,
      invoiceNo: body.invoiceNo,
      note: body.note ?? null,
    });
  });
}
