import { eq, sql } from 'drizzle-orm';
import { householdCards } from '../../../db/schema';
import { recordFailure, throttledFor, type Budget } from '../../../db/throttle';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Gone, Invalid, Locked, NotFound, TooManyRequests, Unprocessable } from '../../lib/errors';
import { hashPassword, verifyPassword } from '../../lib/password';

export const MAX_PIN_FAILURES = 5;
/** Per IP across all cards: stops guessing PINs card after card from one counter device. */
export const PIN_IP_BUDGET: Budget = { max: 30, windowMs: 15 * 60_000 };
// A PIN has at most a million values, so hashing cost adds little; the lockout is what protects it.
const PIN_SCRYPT_N = 2 ** 14;

export function hashPin(pin: string): Promise<string> {
  return hashPassword(pin, PIN_SCRYPT_N);
}

export type CardRow = typeof householdCards.$inferSelect;

/**
 * Checks a printed card and its PIN. A wrong PIN is counted in its own committed transaction (so the
 * count survives the failed request); the fifth wrong PIN locks the card until a cadre unlocks it.
 */
export async function verifyCard(ctx: Ctx, code: string, pin: string | undefined): Promise<CardRow> {
  const card = ctx.db.select().from(householdCards).where(eq(householdCards.code, code)).get();
  if (!card) throw new NotFound('卡片不存在', 'card_not_found');
  if (card.revokedAt) throw new Gone('card_revoked', '该卡已作废，请到村委会补办');
  if (card.lockedAt) throw new Locked('card_locked', 'PIN 错误次数过多，卡片已锁定，请联系村干部解锁');
  if (!pin) throw new Invalid('请输入卡片 PIN', undefined, 'pin_required');
  const ipKey = `pin-ip:${ctx.device.ip ?? 'unknown'}`;
  const wait = throttledFor(ctx.db, ipKey, PIN_IP_BUDGET, ctx.now.getTime());
  if (wait) throw new TooManyRequests(`PIN 错误次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试`, 'too_many_requests', wait);
  if (await verifyPassword(pin, card.pinHash)) {
    if (card.failedAttempts > 0) ctx.db.update(householdCards).set({ failedAttempts: 0 }).where(eq(householdCards.id, card.id)).run();
    return card;
  }
  recordFailure(ctx.db, ipKey, PIN_IP_BUDGET, ctx.now.getTime());
  const failures = ctx.db.transaction((tx) => {
    const row = tx
      .update(householdCards)
      .set({ failedAttempts: sql`${householdCards.failedAttempts} + 1` })
      .where(eq(householdCards.id, card.id))
      .returning({ failedAttempts: householdCards.failedAttempts })
      .get();
    const n = row?.failedAttempts ?? MAX_PIN_FAILURES;
    if (n >= MAX_PIN_FAILURES) tx.update(householdCards).set({ lockedAt: ctx.now.getTime() }).where(eq(householdCards.id, card.id)).run();
    writeAudit(tx, ctx, {
      entity: 'card',
      entityId: card.id,
      action: n >= MAX_PIN_FAILURES ? 'card.lock' : 'card.pin_failed',
      after: { failedAttempts: n },
    });
    return n;
  });
  const left = Math.max(0, MAX_PIN_FAILURES - failures);
  throw new Unprocessable('wrong_pin', left > 0 ? `PIN 错误，还可尝试 ${left} 次` : 'PIN 错误次数过多，卡片已锁定', { attemptsLeft: left });
}
