import { readDb } from '../../../db/client';
import { insertGoods } from '../../../db/goods/goods';
import { moveStock } from '../../../db/goods/stock';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import type { CreateGoodsBody } from './schemas';
import { getManagedStore } from './stores';

export async function createGoods(ctx: Ctx, body: CreateGoodsBody) {
  // A store's place never changes, so it is checked before the transaction.
  const store = await getManagedStore(readDb(ctx.db), ctx.actor, body.storeAreaId);
  const at = ctx.now.getTime();
  return transaction(ctx.db, async (tx) => {
    const g = await insertGoods(tx, {
      storeAreaId: store.id,
      name: body.name,
      category: body.category ?? null,
      price: body.price,
      unit: body.unit,
      monthlyLimit: body.monthlyLimit ?? null,
      createdAt: at,
      updatedAt: at,
    });
    // Opening stock is a purchase movement like any other, so stock always equals the sum of movements.
    const stock = body.stock > 0 ? (await moveStock(tx, { goodsId: g.id, kind: 'purchase', quantity: body.stock, note: '初始库存', createdBy: ctx.actor.userId, createdAt: at })).stockAfter : 0;
    const result = { ...g, stock };
    await writeAudit(tx, ctx, { entity: 'goods', entityId: g.id, action: 'goods.create', areaId: store.id, after: result });
    return result;
  });
}
