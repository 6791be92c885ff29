import { releaseAttempt, reserveAttempt, throttledFor, type Budget } from '../../../db/auth/throttle';
import { readDb } from '../../../db/client';
import { cardForPin, cardState, lockCardIfSpent, releaseCardAttempts, reserveCardAttempt, type CardRow } from '../../../db/counter/cards';
import { transaction, type Tx } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Gone, Invalid, Locked, NotFound, TooManyRequests, Unprocessable } from '../../lib/errors';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../lib/password';
import { pathWithin } from '../../lib/scope';

export type { CardRow };

export const MAX_PIN_FAILURES = 5;
/**
 * Per clerk account across all cards: stops guessing PINs card after card. Counted per account, not per
 * IP, so the clerks of one township store behind one address do not share it.
 */
export const PIN_CLERK_BUDGET: Budget = { max: 30, windowMs: 15 * 60_000 };
/** @deprecated The budget is per clerk account now; the name is kept for existing callers. */
export const PIN_IP_BUDGET = PIN_CLERK_BUDGET;
// A PIN has at most a million values, so hashing cost adds little; the lockout is what protects it.
const PIN_SCRYPT_N = 2 ** 14;

export function hashPin(pin: string): Promise<string> {
  return hashPassword(pin, PIN_SCRYPT_N);
}

const clerkKey = (ctx: Ctx) => `pin-clerk:${ctx.actor.userId}`;

const notFound = () => new NotFound('卡片不存在或不属于本超市服务范围', 'card_not_found');

/** Takes one attempt from the clerk's budget before a hash, or answers 429. */
async function reserveClerkAttempt(tx: Tx, ctx: Ctx): Promise<number> {
  const now = ctx.now.getTime();
  const window = await reserveAttempt(tx, clerkKey(ctx), PIN_CLERK_BUDGET, now);
  if (window === null) {
    const wait = await throttledFor(tx, clerkKey(ctx), PIN_CLERK_BUDGET, now);
    throw new TooManyRequests(`PIN 错误次数过多，请 ${Math.max(1, Math.ceil(wait / 60))} 分钟后再试`, 'too_many_requests', wait);
  }
  return window;
}

/**
 * Checks a printed card and its PIN. Each attempt is counted on the card (where the card lives, not
 * where the clerk stands) and on the clerk's budget before the hash, in one transaction, and given back
 * when the PIN is right; so parallel guesses get no more tries than sequential ones. The fifth failure
 * locks the card until a cadre unlocks it. A card outside the clerk's area answers exactly like one that
 * does not exist — same answer after the same hash — and is never counted or locked. The hash runs
 * between transactions, never inside one.
 */
export async function verifyCard(ctx: Ctx, code: string, pin: string | undefined): Promise<CardRow & { villageId: number }> {
  const card = await cardForPin(readDb(ctx.db), code, code.startsWith('C1.') ? 'code' : 'number');
  if (!card || !pathWithin(ctx.actor, card.villagePath)) {
    if (pin) {
      await transaction(ctx.db, (tx) => reserveClerkAttempt(tx, ctx));
      await verifyPassword(pin, dummyPasswordHash(PIN_SCRYPT_N));
    }
    throw notFound();
  }
  if (card.revokedAt) throw new Gone('card_revoked', '该卡已作废，请到村委会补办');
  if (card.lockedAt) throw new Locked('card_locked', 'PIN 错误次数过多，卡片已锁定，请联系村干部解锁');
  if (!pin) throw new Invalid('请输入卡片 PIN', undefined, 'pin_required');
  const { window, slot } = await transaction(ctx.db, async (tx) => {
    const slot = await reserveCardAttempt(tx, card.id, MAX_PIN_FAILURES);
    if (slot === null) {
      const now = await cardState(tx, card.id);
      if (now?.revokedAt) throw new Gone('card_revoked', '该卡已作废，请到村委会补办');
      if (now?.lockedAt) throw new Locked('card_locked', 'PIN 错误次数过多，卡片已锁定，请联系村干部解锁');
      // Every remaining try is being checked right now; one of them may lock the card.
      throw new TooManyRequests('该卡的 PIN 正在核验，请稍后再试', 'too_many_requests', 1);
    }
    return { window: await reserveClerkAttempt(tx, ctx), slot };
  });
  if (await verifyPassword(pin, card.pinHash)) {
    await transaction(ctx.db, async (tx) => {
      await releaseCardAttempts(tx, card.id, slot);
      await releaseAttempt(tx, clerkKey(ctx), window);
    });
    return card;
  }
  const failures = await transaction(ctx.db, async (tx) => {
    const locked = await lockCardIfSpent(tx, card.id, MAX_PIN_FAILURES, ctx.now.getTime());
    const n = (await cardState(tx, card.id))?.failedAttempts ?? MAX_PIN_FAILURES;
    await writeAudit(tx, ctx, { entity: 'card', entityId: card.id, areaId: card.villageId, action: locked ? 'card.lock' : 'card.pin_failed', after: { failedAttempts: n } });
    return locked ? MAX_PIN_FAILURES : n;
  });
  const left = Math.max(0, MAX_PIN_FAILURES - failures);
  throw new Unprocessable('wrong_pin', left > 0 ? `PIN 错误，还可尝试 ${left} 次` : 'PIN 错误次数过多，卡片已锁定', { attemptsLeft: left });
}
