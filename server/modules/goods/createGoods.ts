import { goods } from '../../../db/schema';
import { applyStockMovement } from '../../../db/stock';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import type { CreateGoodsBody } from './schemas';
import { getManagedStore } from './stores';

export function createGoods(ctx: Ctx, body: CreateGoodsBody) {
  const store = getManagedStore(ctx, body.storeAreaId);
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const g = tx
      .insert(goods)
      .values({ storeAreaId: store.id, name: body.name, category: body.category ?? null, price: body.price, unit: body.unit, stock: 0, monthlyLimit: body.monthlyLimit ?? null, createdAt: at, updatedAt: at })
      .returning()
      .get();
    // Opening stock is a purchase movement like any other, so stock always equals the sum of movements.
    const stock = body.stock > 0 ? applyStockMovement(ctx.db, { goodsId: g.id, kind: 'purchase', quantity: body.stock, note: '初始库存', createdBy: ctx.actor.userId, createdAt: at }).stockAfter : 0;
    const result = { ...g, stock };
    writeAudit(tx, ctx, { entity: 'goods', entityId: g.id, action: 'goods.create', areaId: store.id, after: result });
    return result;
  });
}
