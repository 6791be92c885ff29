import { eq } from 'drizzle-orm';
import { goods } from '../../../db/schema';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import type { UpdateGoodsBody } from './schemas';
import { getManagedGoods } from './stores';

/** Edits name, price, limits; stock changes only through movements. */
export function updateGoods(ctx: Ctx, goodsId: number, body: UpdateGoodsBody) {
  const before = getManagedGoods(ctx, goodsId);
  return ctx.db.transaction((tx) => {
    tx.update(goods).set({ ...body, updatedAt: ctx.now.getTime() }).where(eq(goods.id, goodsId)).run();
    const after = tx.select().from(goods).where(eq(goods.id, goodsId)).get()!;
    writeAudit(tx, ctx, { entity: 'goods', entityId: goodsId, action: 'goods.update', areaId: before.storeAreaId, before, after });
    return after;
  });
}
