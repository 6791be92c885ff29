import { readDb, type Db } from '../../../db/client';
import {
  insertRedemption,
  isPassUsed,
  linkRedemptionEntry,
  lockRedeemGoods,
  redeemHousehold,
  spendPass,
  storedResponse,
  storeResponse,
  usedThisMonth,
  type RedeemGoods,
} from '../../../db/counter/redeem';
import { moveStock } from '../../../db/goods/stock';
import { lockVillageChain, postLedgerEntry } from '../../../db/ledger';
import { shanghaiDay, shanghaiMonth } from '../../../db/time';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { AppError, Conflict, Locked, NotFound, Unprocessable } from '../../lib/errors';
import { requestHash } from '../../lib/idempotency';
import { pathWithin } from '../../lib/scope';
import { areaById } from '../../../db/areas';
import { clerkStoreId } from '../goods/stores';
import { identify, usedError, type Identified } from './identify';
import { storesServing } from './lookupCode';
import type { RedeemBody } from './schemas';

export interface RedemptionResult {
  id: number;
  householdId: number;
  headName: string;
  points: number;
  balanceAfter: number;
  storeAreaId: number;
  storeName: string;
  items: { goodsId: number; name: string; unit: string; quantity: number; price: number; points: number }[];
  createdAt: number;
}

export interface StoredResponse {
  status: 201;
  body: RedemptionResult;
  replayed: boolean;
}

function redeemHash(body: RedeemBody): string {
  return requestHash({ code: body.code, pin: body.pin ?? null, items: [...body.items].sort((a, b) => a.goodsId - b.goodsId) });
}

async function replay(db: Db, userId: number, key: string, hash: string): Promise<StoredResponse | null> {
  const prior = await storedResponse(db, userId, key);
  if (!prior) return null;
  if (prior.requestHash !== hash) throw new Unprocessable('idempotency_mismatch', '同一个 Idempotency-Key 不能用于不同的兑换内容');
  return { status: 201, body: JSON.parse(prior.body) as RedemptionResult, replayed: true };
}

/**
 * Redeems goods for points at the counter. Points, stock, the code's single use and the stored
 * response are written in one transaction: all of it happens, or none. A retry with the same
 * Idempotency-Key returns the first answer and charges nothing. Who the code belongs to (and the PIN's
 * slow hash) is settled before the transaction; everything it decides on is re-read inside, after the
 * household's village and then the goods are locked.
 */
export async function redeem(ctx: Ctx, key: string, body: RedeemBody): Promise<StoredResponse> {
  const hash = redeemHash(body);
  const userId = ctx.actor.userId;
  const earlier = await replay(readDb(ctx.db), userId, key, hash);
  if (earlier) return earlier;
  let who: Identified;
  try {
    who = await identify(ctx, body.code, body.pin);
  } catch (err) {
    // The first attempt may have spent the code while this retry was on its way.
    const raced = err instanceof AppError && err.code === 'code_used' ? await replay(readDb(ctx.db), userId, key, hash) : null;
    if (raced) return raced;
    throw err;
  }
  // Only clerks redeem, each at the store it stands in; a store's name never changes under a redemption.
  const storeAreaId = clerkStoreId(ctx.actor) ?? -1;
  const storeName = (await areaById(readDb(ctx.db), storeAreaId))?.name ?? '';
  try {
    return await charge(ctx, key, hash, body, who, { id: storeAreaId, name: storeName });
  } catch (err) {
    // Spent by another request meanwhile: say by which redemption, as identify would have.
    if (err instanceof AppError && err.code === 'code_used' && who.via === 'pass') throw await usedError(ctx, who.nonce);
    throw err;
  }
}

async function charge(ctx: Ctx, key: string, hash: string, body: RedeemBody, who: Identified, store: { id: number; name: string }): Promise<StoredResponse> {
  const userId = ctx.actor.userId;
  const at = ctx.now.getTime();
  const goodsIds = body.items.map((i) => i.goodsId);
  // A market-day hot path: every statement is prepared once (db/counter/redeem.ts), one transaction per request.
  return transaction(ctx.db, async (tx) => {
    await lockVillageChain(tx, who.villageId);
    const locked = await lockRedeemGoods(tx, goodsIds);
    // After the locks, so a retry racing its first attempt waits for it and then replays it.
    const again = await replay(tx, userId, key, hash);
    if (again) return again;
    const household = await redeemHousehold(tx, who.householdId);
    if (!household || household.villageId !== who.villageId || !pathWithin(ctx.actor, household.villagePath)) {
      throw new NotFound('农户不存在或不属于本超市服务范围');
    }
    if (household.status !== 'active') throw new Unprocessable('household_archived', '该农户已注销');
    if (household.redemptionSuspended) throw new Locked('redemption_suspended', '该户兑换资格已暂停，请联系村委会');
    if (who.via === 'pass' && (await isPassUsed(tx, who.nonce))) throw new Conflict('code_used', '该码已使用，请让农户刷新后重新出示');
    // The clerk's own store only, and only if that store serves the household's village.
    const serving = storesServing(household.villagePath).includes(store.id);
    const byId = new Map<number, RedeemGoods>(locked.filter((g) => g.active && serving && g.storeAreaId === store.id).map((g) => [g.id, g]));
    const missing = goodsIds.filter((id) => !byId.has(id));
    if (missing.length) throw new NotFound(`商品不存在或不在本超市：${missing.join(', ')}`);
    const month = shanghaiMonth(at);
    const limitedIds = body.items.filter((i) => byId.get(i.goodsId)!.monthlyLimit != null).map((i) => i.goodsId);
    if (limitedIds.length) {
      const used = await usedThisMonth(tx, household.id, month, limitedIds);
      for (const item of body.items) {
        const g = byId.get(item.goodsId)!;
        if (g.monthlyLimit != null && (used.get(g.id) ?? 0) + item.quantity > g.monthlyLimit) {
          throw new Unprocessable('limit_exceeded', `「${g.name}」每户每月限兑 ${g.monthlyLimit}${g.unit}，本月已兑 ${used.get(g.id) ?? 0}`);
        }
      }
    }
    const lines = body.items.map((i) => {
      const g = byId.get(i.goodsId)!;
      return { goodsId: g.id, name: g.name, unit: g.unit, quantity: i.quantity, price: g.price, points: g.price * i.quantity };
    });
    const total = lines.reduce((s, l) => s + l.points, 0);
    if (total > household.balance) throw new Unprocessable('insufficient_points', `积分不足：需要 ${total} 分，余额 ${household.balance} 分`);
    for (const l of lines) {
      const g = byId.get(l.goodsId)!;
      if (g.stock < l.quantity) throw new Unprocessable('insufficient_stock', `库存不足：「${g.name}」只剩 ${g.stock}${g.unit}`);
    }
    const storeAreaId = store.id;
    const redemptionId = await insertRedemption(tx, {
      householdId: household.id,
      villageId: household.villageId,
      storeAreaId,
      clerkId: userId,
      points: total,
      balanceAfter: household.balance - total,
      via: who.via,
      createdAt: at,
      month,
      lines,
    });
    if (who.via === 'pass' && !(await spendPass(tx, who.nonce, household.id, at, redemptionId))) {
      throw new Conflict('code_used', '该码已使用，请让农户刷新后重新出示');
    }
    for (const l of lines) {
      await moveStock(tx, { goodsId: l.goodsId, kind: 'redemption', quantity: -l.quantity, redemptionId, createdBy: userId, createdAt: at });
    }
    const entry = await postLedgerEntry(tx, {
      householdId: household.id,
      villageId: household.villageId,
      kind: 'redemption',
      points: -total,
      conductPoints: 0,
      occurredOn: shanghaiDay(at),
      redemptionId,
      createdBy: userId,
      createdAt: at,
    });
    await linkRedemptionEntry(tx, redemptionId, entry.id);
    const result: RedemptionResult = {
      id: redemptionId,
      householdId: household.id,
      headName: household.headName,
      points: total,
      balanceAfter: entry.balanceAfter,
      storeAreaId,
      storeName: store.name,
      items: lines,
      createdAt: at,
    };
    await storeResponse(tx, userId, key, hash, 201, JSON.stringify(result), at);
    await writeAudit(tx, ctx, { entity: 'redemption', entityId: redemptionId, action: 'redemption.create', areaId: household.villageId, before: { balance: household.balance }, after: { ...result, via: who.via } });
    return { status: 201 as const, body: result, replayed: false };
  });
}
