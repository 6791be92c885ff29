import { donations } from '../../../db/schema';
import { applyStockMovement, StockShortage } from '../../../db/stock';
import { shanghaiDay } from '../../../db/time';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Unprocessable } from '../../lib/errors';
import type { StockBody } from './schemas';
import { getManagedGoods } from './stores';

/** Purchase or donation adds stock (a donation is also recorded for public disclosure); loss removes it. */
export function receiveStock(ctx: Ctx, goodsId: number, body: StockBody) {
  const g = getManagedGoods(ctx, goodsId);
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    let donationId: number | null = null;
    if (body.kind === 'donation') {
      donationId = tx
        .insert(donations)
        .values({
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
        })
        .returning({ id: donations.id })
        .get().id;
    }
    let moved: { stockAfter: number; movementId: number };
    try {
      moved = applyStockMovement(ctx.db, {
        goodsId,
        kind: body.kind,
        quantity: body.kind === 'loss' ? -body.quantity : body.quantity,
        donationId,
        note: body.note ?? null,
        createdBy: ctx.actor.userId,
        createdAt: at,
      });
    } catch (err) {
      if (err instanceof StockShortage) throw new Unprocessable('insufficient_stock', `库存不足：「${g.name}」只剩 ${err.available}${g.unit}`);
      throw err;
    }
    const result = { id: goodsId, stock: moved.stockAfter, movementId: moved.movementId, donationId };
    writeAudit(tx, ctx, { entity: 'goods', entityId: goodsId, action: `goods.${body.kind}`, areaId: g.storeAreaId, before: { stock: g.stock }, after: { ...result, quantity: body.quantity, donor: body.donor } });
    return result;
  });
}
