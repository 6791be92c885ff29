import { readDb } from '../../../db/client';
import { goodsById, updateGoodsRow } from '../../../db/goods/goods';
import { lockGoods } from '../../../db/goods/stock';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import type { UpdateGoodsBody } from './schemas';
import { getManagedGoods } from './stores';

/** Edits name, price, limits; stock changes only through movements. */
export async function updateGoods(ctx: Ctx, goodsId: number, body: UpdateGoodsBody) {
  // Which store goods belong to never changes, so scope is checked before the transaction.
  const { storeAreaId } = await getManagedGoods(readDb(ctx.db), ctx.actor, goodsId);
  return transaction(ctx.db, async (tx) => {
    await lockGoods(tx, [goodsId]);
    const before = (await goodsById(tx, goodsId))!;
    const after = (await updateGoodsRow(tx, goodsId, body, ctx.now.getTime()))!;
    await writeAudit(tx, ctx, { entity: 'goods', entityId: goodsId, action: 'goods.update', areaId: storeAreaId, before, after });
    return after;
  });
}
