import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { areas, goods, redemptionItems } from '../../../db/schema';
import { shanghaiMonth } from '../../../db/time';
import type { Ctx } from '../../lib/context';
import { Locked } from '../../lib/errors';
import { getHouseholdInScopeSync } from '../../lib/scope';
import { identify } from './identify';
import type { LookupBody } from './schemas';

/** Stores whose goods a household may take: its village's own and its township's. */
export function storesServing(villagePath: string): number[] {
  return villagePath.split('/').filter(Boolean).map(Number).slice(1);
}

/** What the clerk sees after scanning: who it is, what it can spend, and its monthly limits. Spends nothing. */
export async function lookupCode(ctx: Ctx, body: LookupBody) {
  const who = await identify(ctx, body.code, body.pin);
  const h = getHouseholdInScopeSync(ctx, who.householdId);
  const village = ctx.db.select({ name: areas.name }).from(areas).where(eq(areas.id, h.villageId)).get();
  const month = shanghaiMonth(ctx.now.getTime());
  const limited = ctx.db
    .select({ goodsId: goods.id, name: goods.name, unit: goods.unit, monthlyLimit: goods.monthlyLimit })
    .from(goods)
    .where(and(inArray(goods.storeAreaId, storesServing(h.villagePath)), isNotNull(goods.monthlyLimit), eq(goods.active, true)))
    .all();
  const used = limited.length
    ? ctx.db
        .select({ goodsId: redemptionItems.goodsId, used: sql<number>`SUM(${redemptionItems.quantity})` })
        .from(redemptionItems)
        .where(and(eq(redemptionItems.householdId, h.id), eq(redemptionItems.month, month), inArray(redemptionItems.goodsId, limited.map((g) => g.goodsId))))
        .groupBy(redemptionItems.goodsId)
        .all()
    : [];
  const usedBy = new Map(used.map((u) => [u.goodsId, u.used]));
  if (h.redemptionSuspended) throw new Locked('redemption_suspended', '该户兑换资格已暂停，请联系村委会');
  return {
    household: {
      id: h.id,
      headName: h.headName,
      doorNo: h.doorNo,
      villageId: h.villageId,
      villageName: village?.name ?? '',
      category: h.category,
      balance: h.balance,
    },
    via: who.via,
    limits: limited.map((g) => ({ goodsId: g.goodsId, name: g.name, unit: g.unit, monthlyLimit: g.monthlyLimit!, usedThisMonth: usedBy.get(g.goodsId) ?? 0 })),
  };
}
