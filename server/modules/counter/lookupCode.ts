import { areaById } from '../../../db/areas';
import { readDb } from '../../../db/client';
import { limitedGoodsOfStores, usedThisMonth } from '../../../db/counter/redeem';
import { suspensionReason } from '../../../db/credit/listings';
import { shanghaiMonth } from '../../../db/time';
import type { Ctx } from '../../lib/context';
import { Locked } from '../../lib/errors';
import { dishonestyReasonLabels } from '../../lib/labels';
import { getHouseholdInScope } from '../../lib/scope';
import { clerkStoreId } from '../goods/stores';
import { identify } from './identify';
import type { LookupBody } from './schemas';

/** Stores whose goods a household may take: its village's own and its township's. */
export function storesServing(villagePath: string): number[] {
  return villagePath.split('/').filter(Boolean).map(Number).slice(1);
}

/** What the clerk sees after scanning: who it is, what it can spend, and its monthly limits. Spends nothing. */
export async function lookupCode(ctx: Ctx, body: LookupBody) {
  const who = await identify(ctx, body.code, body.pin);
  const db = readDb(ctx.db);
  const h = await getHouseholdInScope(db, ctx.actor, who.householdId);
  const village = await areaById(db, h.villageId);
  const storeId = clerkStoreId(ctx.actor);
  const store = storeId !== null ? await areaById(db, storeId) : undefined;
  const month = shanghaiMonth(ctx.now.getTime());
  // The limits of the goods this counter hands over: the clerk's own store.
  const limited = await limitedGoodsOfStores(db, storeId !== null ? [storeId] : storesServing(h.villagePath));
  const usedBy = await usedThisMonth(db, h.id, month, limited.map((g) => g.goodsId));
  if (h.redemptionSuspended) {
    // The list's category only: the details of a listing are not the counter's business.
    const reason = await suspensionReason(db, h.id);
    throw new Locked('redemption_suspended', `兑换已暂停：该户已列入失信名单（${reason ? dishonestyReasonLabels[reason] : '失信行为'}），请联系村委会`);
  }
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
    store: store ? { id: store.id, name: store.name } : null,
    limits: limited.map((g) => ({ goodsId: g.goodsId, name: g.name, unit: g.unit, monthlyLimit: g.monthlyLimit, usedThisMonth: usedBy.get(g.goodsId) ?? 0 })),
  };
}
