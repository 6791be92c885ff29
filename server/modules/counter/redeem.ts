import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { areas, goods, households, idempotencyKeys, passUses, redemptionItems, redemptions } from '../../../db/schema';
import { appendLedgerEntry } from '../../../db/ledger';
import { applyStockMovement } from '../../../db/stock';
import { shanghaiDay, shanghaiMonth } from '../../../db/time';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { AppError, Conflict, Locked, NotFound, Unprocessable } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { identify, type Identified } from './identify';
import { storesServing } from './lookupCode';
import type { RedeemBody } from './schemas';

export interface RedemptionResult {
  id: number;
  householdId: number;
  headName: string;
  points: number;
  balanceAfter: number;
  items: { goodsId: number; name: string; unit: string; quantity: number; price: number; points: number }[];
  createdAt: number;
}

export interface StoredResponse {
  status: 201;
  body: RedemptionResult;
  replayed: boolean;
}

function requestHash(body: RedeemBody): string {
  const canonical = { code: body.code, pin: body.pin ?? null, items: [...body.items].sort((a, b) => a.goodsId - b.goodsId) };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

function replay(ctx: Ctx, key: string, hash: string): StoredResponse | null {
  const prior = ctx.db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, ctx.actor.userId), eq(idempotencyKeys.key, key)))
    .get();
  if (!prior) return null;
  if (prior.requestHash !== hash) throw new Unprocessable('idempotency_mismatch', '同一个 Idempotency-Key 不能用于不同的兑换内容');
  return { status: 201, body: JSON.parse(prior.body) as RedemptionResult, replayed: true };
}

/**
 * Redeems goods for points at the counter. Points, stock, the code's single use and the stored
 * response are written in one synchronous transaction: all of it happens, or none. A retry with the
 * same Idempotency-Key returns the first answer and charges nothing.
 */
export async function redeem(ctx: Ctx, key: string, body: RedeemBody): Promise<StoredResponse> {
  const hash = requestHash(body);
  const earlier = replay(ctx, key, hash);
  if (earlier) return earlier;
  let who: Identified;
  try {
    who = await identify(ctx, body.code, body.pin);
  } catch (err) {
    // The first attempt may have spent the code while this retry was on its way.
    const raced = err instanceof AppError && err.code === 'code_used' ? replay(ctx, key, hash) : null;
    if (raced) return raced;
    throw err;
  }
  const at = ctx.now.getTime();
  return ctx.db.transaction((tx) => {
    const again = replay(ctx, key, hash);
    if (again) return again;
    const h = tx
      .select({ household: households, villagePath: areas.path })
      .from(households)
      .innerJoin(areas, eq(areas.id, households.villageId))
      .where(eq(households.id, who.householdId))
      .get();
    if (!h || !pathWithin(ctx.actor, h.villagePath)) throw new NotFound('农户不存在或不属于本超市服务范围');
    const household = h.household;
    if (household.status !== 'active') throw new Unprocessable('household_archived', '该农户已注销');
    if (household.redemptionSuspended) throw new Locked('redemption_suspended', '该户兑换资格已暂停，请联系村委会');
    if (who.via === 'pass') {
      const spent = tx.insert(passUses).values({ nonce: who.nonce, householdId: household.id, usedAt: at }).onConflictDoNothing().run().changes;
      if (spent !== 1) throw new Conflict('code_used', '该码已使用，请让农户刷新后重新出示');
    }
    const goodsIds = body.items.map((i) => i.goodsId);
    const rows = tx.select({ goods, storePath: areas.path }).from(goods).innerJoin(areas, eq(areas.id, goods.storeAreaId)).where(inArray(goods.id, goodsIds)).all();
    const serving = storesServing(h.villagePath);
    const byId = new Map(rows.filter((r) => r.goods.active && pathWithin(ctx.actor, r.storePath) && serving.includes(r.goods.storeAreaId)).map((r) => [r.goods.id, r.goods]));
    const missing = goodsIds.filter((id) => !byId.has(id));
    if (missing.length) throw new NotFound(`商品不存在或不在本超市：${missing.join(', ')}`);
    const stores = new Set([...byId.values()].map((g) => g.storeAreaId));
    if (stores.size > 1) throw new Unprocessable('mixed_stores', '一次兑换只能包含同一个超市的商品');
    const month = shanghaiMonth(at);
    const limitedIds = body.items.filter((i) => byId.get(i.goodsId)!.monthlyLimit != null).map((i) => i.goodsId);
    if (limitedIds.length) {
      const used = new Map(
        tx
          .select({ goodsId: redemptionItems.goodsId, used: sql<number>`SUM(${redemptionItems.quantity})` })
          .from(redemptionItems)
          .where(and(eq(redemptionItems.householdId, household.id), eq(redemptionItems.month, month), inArray(redemptionItems.goodsId, limitedIds)))
          .groupBy(redemptionItems.goodsId)
          .all()
          .map((u) => [u.goodsId, u.used]),
      );
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
    const storeAreaId = [...stores][0];
    const redemption = tx
      .insert(redemptions)
      .values({ householdId: household.id, villageId: household.villageId, storeAreaId, clerkId: ctx.actor.userId, points: total, balanceAfter: household.balance - total, via: who.via, createdAt: at })
      .returning({ id: redemptions.id })
      .get();
    tx.insert(redemptionItems)
      .values(lines.map((l) => ({ redemptionId: redemption.id, goodsId: l.goodsId, householdId: household.id, month, quantity: l.quantity, price: l.price, points: l.points })))
      .run();
    for (const l of lines) {
      applyStockMovement(ctx.db, { goodsId: l.goodsId, kind: 'redemption', quantity: -l.quantity, redemptionId: redemption.id, createdBy: ctx.actor.userId, createdAt: at });
    }
    const entry = appendLedgerEntry(ctx.db, {
      householdId: household.id,
      villageId: household.villageId,
      kind: 'redemption',
      points: -total,
      conductPoints: 0,
      occurredOn: shanghaiDay(at),
      redemptionId: redemption.id,
      createdBy: ctx.actor.userId,
      createdAt: at,
    });
    tx.update(redemptions).set({ ledgerEntryId: entry.id }).where(eq(redemptions.id, redemption.id)).run();
    const result: RedemptionResult = { id: redemption.id, householdId: household.id, headName: household.headName, points: total, balanceAfter: entry.balanceAfter, items: lines, createdAt: at };
    tx.insert(idempotencyKeys).values({ userId: ctx.actor.userId, key, requestHash: hash, status: 201, body: JSON.stringify(result), createdAt: at }).run();
    writeAudit(tx, ctx, { entity: 'redemption', entityId: redemption.id, action: 'redemption.create', areaId: household.villageId, before: { balance: household.balance }, after: { ...result, via: who.via } });
    return { status: 201 as const, body: result, replayed: false };
  });
}
