import { readDb } from '../../../db/client';
import { isPassUsed, redeemHousehold } from '../../../db/counter/redeem';
import type { Ctx } from '../../lib/context';
import { Conflict, Gone, Invalid, NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import { verifyCard } from './cardPin';
import { isPassToken, readPassToken } from './passToken';

/** Who a code belongs to, and its village (the chain a redemption locks first; a household never moves). */
export type Identified = { householdId: number; villageId: number } & ({ via: 'pass'; nonce: string } | { via: 'card'; cardId: number });

/**
 * Who a scanned code belongs to: a one-time phone code, or a printed card with its PIN. A code of a
 * household outside the clerk's area answers like one of a household that does not exist, before
 * anything about the code itself (expired, used, locked, right or wrong PIN) is told. Reads only
 * committed state; the redemption re-checks inside its transaction whatever it spends.
 */
export async function identify(ctx: Ctx, code: string, pin: string | undefined): Promise<Identified> {
  if (isPassToken(code)) {
    const claims = readPassToken(ctx.config.passSecret, code);
    if (!claims) throw new Invalid('无法识别的码，请让农户刷新后重试', undefined, 'invalid_code');
    const db = readDb(ctx.db);
    const household = await redeemHousehold(db, claims.householdId);
    if (!household || !pathWithin(ctx.actor, household.villagePath)) throw new NotFound('农户不存在或不属于本超市服务范围');
    if (claims.expiresAt <= ctx.now.getTime()) throw new Gone('code_expired', '码已过期，请让农户刷新后重新出示');
    if (await isPassUsed(db, claims.nonce)) throw new Conflict('code_used', '该码已使用，请让农户刷新后重新出示');
    return { householdId: claims.householdId, villageId: household.villageId, via: 'pass', nonce: claims.nonce };
  }
  if (code.startsWith('C1.')) {
    const card = await verifyCard(ctx, code, pin);
    return { householdId: card.householdId, villageId: card.villageId, via: 'card', cardId: card.id };
  }
  throw new Invalid('无法识别的码', undefined, 'invalid_code');
}
