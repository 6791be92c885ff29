import { isPassUsed, redeemHousehold } from '../../../db/redeem';
import type { Ctx } from '../../lib/context';
import { Conflict, Gone, Invalid, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { verifyCard } from './cardPin';
import { isPassToken, readPassToken } from './passToken';

export type Identified = { householdId: number; via: 'pass'; nonce: string } | { householdId: number; via: 'card'; cardId: number };

/**
 * Who a scanned code belongs to: a one-time phone code, or a printed card with its PIN. A code of a
 * household outside the clerk's area answers like one of a household that does not exist, before
 * anything about the code itself (expired, used, locked, right or wrong PIN) is told.
 */
export async function identify(ctx: Ctx, code: string, pin: string | undefined): Promise<Identified> {
  if (isPassToken(code)) {
    const claims = readPassToken(ctx.config.passSecret, code);
    if (!claims) throw new Invalid('无法识别的码，请让农户刷新后重试', undefined, 'invalid_code');
    const household = redeemHousehold(ctx.db, claims.householdId);
    if (!household || !pathWithin(ctx.actor, household.villagePath)) throw new NotFound('农户不存在或不属于本超市服务范围');
    if (claims.expiresAt <= ctx.now.getTime()) throw new Gone('code_expired', '码已过期，请让农户刷新后重新出示');
    assertPassUnused(ctx, claims.nonce);
    return { householdId: claims.householdId, via: 'pass', nonce: claims.nonce };
  }
  if (code.startsWith('C1.')) {
    const card = await verifyCard(ctx, code, pin);
    return { householdId: card.householdId, via: 'card', cardId: card.id };
  }
  throw new Invalid('无法识别的码', undefined, 'invalid_code');
}

export function assertPassUnused(ctx: Pick<Ctx, 'db'>, nonce: string): void {
  if (isPassUsed(ctx.db, nonce)) {
    throw new Conflict('code_used', '该码已使用，请让农户刷新后重新出示');
  }
}
