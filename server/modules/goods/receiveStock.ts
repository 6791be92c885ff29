import { readDb } from '../../../db/client';
import { insertDonation } from '../../../db/goods/donations';
import { lockGoods, moveStock, StockShortage } from '../../../db/goods/stock';
import { lockVillageChain } from '../../../db/ledger';
import { shanghaiDay } from '../../../db/time';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Unprocessable } from '../../lib/errors';
import type { StockBody } from './schemas';
import { getManagedGoods } from './stores';
import { bookPurchaseCost, purchaseTotalFen } from '../funds/purchaseCost';

/** Purchase or donation adds stock (a donation is also recorded for public disclosure); loss removes it. */
export async function receiveStock(ctx: Ctx, goodsId: number, body: StockBody) {
  // Which store goods belong to never changes; their stock is read and moved inside the transaction.
  const g = await getManagedGoods(readDb(ctx.db), ctx.actor, goodsId);
  const at = ctx.now.getTime();
  const quantity = body.kind === 'loss' ? -body.quantity : body.quantity;
  const costFen = body.kind === 'purchase' ? purchaseTotalFen(body, body.quantity) : null;
  return transaction(ctx.db, async (tx) => {
    // The same order as a redemption: the village, then the goods.
    if (g.storeKind === 'village') await lockVillageChain(tx, g.storeAreaId);
    await lockGoods(tx, [goodsId]);
    let donationId: number | null = null;
    if (body.kind === 'donation') {
      donationId = await insertDonation(tx, {
        storeAreaId: g.storeAreaId,
        donorName: body.donor!,
        donorKind: body.donorKind,
        anonymous: body.anonymous,
        goodsId,
        quantity: body.quantity,
        amountFen: body.valueFen ?? null,
        description: body.note ?? `${g.name} ${body.quantity}${g.unit}`,
        receivedOn: body.receivedOn ?? shanghaiDay(at),
        createdBy: ctx.actor.userId,
        createdAt: at,
      });
    }
    let moved: { stockAfter: number; movementId: number };
    try {
      moved = await moveStock(tx, { goodsId, kind: body.kind, quantity, donationId, note: body.note ?? null, createdBy: ctx.actor.userId, createdAt: at });
    } catch (err) {
      if (err instanceof StockShortage) throw new Unprocessable('insufficient_stock', `库存不足：「${g.name}」只剩 ${err.available}${g.unit}`);
      throw err;
    }
    const fundEntryId =
      costFen === null
        ? null
        : (await bookPurchaseCost(tx, ctx, { storeAreaId: g.storeAreaId, movementId: moved.movementId, goodsId, quantity: body.quantity, totalFen: costFen, onDay: shanghaiDay(at), supplier: body.supplier, invoiceNo: body.invoiceNo, note: body.note ?? null })).id;
    const result = { id: goodsId, stock: moved.stockAfter, movementId: moved.movementId, donationId, fundEntryId };
    await writeAudit(tx, ctx, {
      entity: 'goods',
      entityId: goodsId,
      action: `goods.${body.kind}`,
      areaId: g.storeAreaId,
      // The movement moved the stock by exactly `quantity`, so this is what it was inside the transaction.
      before: { stock: moved.stockAfter - quantity },
      after: { ...result, quantity: body.quantity, donor: body.donor },
    });
    return result;
  });
}
