import { releaseAttempt, reserveAttempt, throttledFor, type Budget } from '../../../db/auth/throttle';
import { readDb } from '../../../db/client';
import { passCodeByDigest, passUseOf } from '../../../db/counter/passCodes';
import { isPassUsed, redeemHousehold } from '../../../db/counter/redeem';
import { transaction, type Tx } from '../../../db/transaction';
import type { Ctx } from '../../lib/context';
import { Conflict, Gone, Invalid, NotFound, TooManyRequests } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { clerkStoreId } from '../goods/stores';
import { verifyCard } from './cardPin';
import { isCardNumber, isPassDigits, isPassToken, passDigitsDigest, readPassToken } from './passToken';

/** Who a code belongs to, and its village (the chain a redemption locks first; a household never moves). */
export type Identified = { householdId: number; villageId: number } & ({ via: 'pass'; nonce: string } | { via: 'card'; cardId: number });

/**
 * Typed numbers that match no live code in the clerk's reach, per clerk account and per client address.
 * 16 random digits (10^16) against at most ~10^4 codes live at once (each lives 60 s): a guess hits with
 * p ≤ 10^-12; 20 misses per quarter hour is ~7·10^5 guesses a year, so one account guessing nonstop hits
 * about once in 1.4 million years (README).
 */
export const TYPED_CODE_BUDGETS: { clerk: Budget; ip: Budget } = {
  clerk: { max: 20, windowMs: 15 * 60_000 },
  ip: { max: 60, windowMs: 15 * 60_000 },
};

const notServed = () => new NotFound('农户不存在或不属于本超市服务范围');

/**
 * A spent code answers 409 code_used; to the clerk of the store where it was spent it also says which
 * redemption spent it, when and where, so the counter shows that receipt instead of charging again.
 */
export async function usedError(ctx: Ctx, nonce: string): Promise<Conflict> {
  const use = await passUseOf(readDb(ctx.db), nonce);
  const own = clerkStoreId(ctx.actor);
  const mine = use?.redemptionId != null && use.storeAreaId !== null && (own !== null ? use.storeAreaId === own : pathWithin(ctx.actor, use.storePath ?? ''));
  const details = mine ? { redemptionId: use.redemptionId, at: use.usedAt, storeName: use.storeName } : undefined;
  return new Conflict('code_used', '该码已使用，请让农户刷新后重新出示', details);
}

/** Takes one typed attempt from the clerk's and the address's budgets, or answers 429 (nothing is written then). */
async function reserveTyped(tx: Tx, ctx: Ctx): Promise<{ key: string; window: number }[]> {
  const now = ctx.now.getTime();
  const keys: [string, Budget][] = [
    [`typed-clerk:${ctx.actor.userId}`, TYPED_CODE_BUDGETS.clerk],
    [`typed-ip:${ctx.device.ip ?? 'unknown'}`, TYPED_CODE_BUDGETS.ip],
  ];
  const taken: { key: string; window: number }[] = [];
  for (const [key, budget] of keys) {
    const window = await reserveAttempt(tx, key, budget, now);
    if (window === null) {
      const wait = await throttledFor(tx, key, budget, now);
      throw new TooManyRequests(`输错次数过多，请 ${Math.max(1, Math.ceil(wait / 60))} 分钟后再试，或扫码`, 'too_many_requests', wait);
    }
    taken.push({ key, window });
  }
  return taken;
}

/**
 * The typed 18-digit twin of a phone code. A number that matches no live code of a household this store
 * serves counts against the clerk's and the address's budgets (and answers like any unknown household);
 * one that matches is given back, expired or used ones included: they are real codes, not guesses.
 */
async function identifyDigits(ctx: Ctx, digits: string): Promise<Identified> {
  const digest = passDigitsDigest(ctx.config.passSecret, digits);
  const found = await transaction(ctx.db, async (tx) => {
    const taken = await reserveTyped(tx, ctx);
    const row = await passCodeByDigest(tx, digest);
    const household = row && (await redeemHousehold(tx, row.householdId));
    if (!row || !household || !pathWithin(ctx.actor, household.villagePath)) return null;
    for (const t of taken) await releaseAttempt(tx, t.key, t.window);
    return { ...row, villageId: household.villageId };
  });
  if (!found) throw notServed();
  if (found.expiresAt <= ctx.now.getTime()) throw new Gone('code_expired', '码已过期，请让农户刷新后重新出示');
  if (await isPassUsed(readDb(ctx.db), found.nonce)) throw await usedError(ctx, found.nonce);
  return { householdId: found.householdId, villageId: found.villageId, via: 'pass', nonce: found.nonce };
}

/**
 * Who a scanned or typed code belongs to: a one-time phone code (QR or its 18 digits), or a printed card
 * (QR or its number) with its PIN. A code of a household the clerk's store does not serve answers like one
 * of a household that does not exist, before anything about the code itself (expired, used, locked, right
 * or wrong PIN) is told. Reads only committed state; the redemption re-checks inside its transaction
 * whatever it spends.
 */
export async function identify(ctx: Ctx, code: string, pin: string | undefined): Promise<Identified> {
  if (isPassToken(code)) {
    const claims = readPassToken(ctx.config.passSecret, code);
    if (!claims) throw new Invalid('无法识别的码，请让农户刷新后重试', undefined, 'invalid_code');
    const db = readDb(ctx.db);
    const household = await redeemHousehold(db, claims.householdId);
    if (!household || !pathWithin(ctx.actor, household.villagePath)) throw notServed();
    if (claims.expiresAt <= ctx.now.getTime()) throw new Gone('code_expired', '码已过期，请让农户刷新后重新出示');
    if (await isPassUsed(db, claims.nonce)) throw await usedError(ctx, claims.nonce);
    return { householdId: claims.householdId, villageId: household.villageId, via: 'pass', nonce: claims.nonce };
  }
  if (isPassDigits(code)) return identifyDigits(ctx, code);
  if (code.startsWith('C1.') || isCardNumber(code)) {
    // A card number alone says nothing: asking for the PIN first keeps numbers from being probed for free.
    if (!pin && !code.startsWith('C1.')) throw new Invalid('请输入卡片 PIN', undefined, 'pin_required');
    const card = await verifyCard(ctx, code, pin);
    return { householdId: card.householdId, villageId: card.villageId, via: 'card', cardId: card.id };
  }
  throw new Invalid('无法识别的码', undefined, 'invalid_code');
}

