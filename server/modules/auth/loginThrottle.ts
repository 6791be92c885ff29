import { eq } from 'drizzle-orm';
import { recordFailure, throttledFor, type Budget } from '../../../db/throttle';
import { users } from '../../../db/schema';
import type { Tx } from '../../../db/client';
import type { PublicCtx } from '../../lib/context';
import { TooManyRequests } from '../../lib/errors';

/** Per account: the 5th consecutive failure locks it for a minute, each further one doubles that, up to a day. */
export const ACCOUNT_FREE_FAILURES = 4;
const LOCK_BASE_MS = 60_000;
const LOCK_MAX_MS = 24 * 3600_000;

/** Per IP: a whole village may sit behind one address, so the budget is wide; it only stops spraying. */
export const LOGIN_IP_BUDGET: Budget = { max: 100, windowMs: 15 * 60_000 };

export function lockMsAfter(failures: number): number {
  if (failures <= ACCOUNT_FREE_FAILURES) return 0;
  return Math.min(LOCK_BASE_MS * 2 ** (failures - ACCOUNT_FREE_FAILURES - 1), LOCK_MAX_MS);
}

const ipKey = (ctx: PublicCtx) => `login-ip:${ctx.device.ip ?? 'unknown'}`;

export function assertIpMayTry(ctx: PublicCtx): void {
  const wait = throttledFor(ctx.db, ipKey(ctx), LOGIN_IP_BUDGET, ctx.now.getTime());
  if (wait) throw new TooManyRequests(`登录失败次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试`, 'too_many_requests', wait);
}

export function assertAccountMayTry(ctx: PublicCtx, lockedUntil: number | null): void {
  const now = ctx.now.getTime();
  if (lockedUntil && lockedUntil > now) {
    const wait = Math.ceil((lockedUntil - now) / 1000);
    throw new TooManyRequests(`密码错误次数过多，账号已暂时锁定，请 ${Math.ceil(wait / 60)} 分钟后再试`, 'account_locked', wait);
  }
}

export function recordIpFailure(ctx: PublicCtx): void {
  recordFailure(ctx.db, ipKey(ctx), LOGIN_IP_BUDGET, ctx.now.getTime());
}

/** Counts a wrong password against the account; returns the lock end when this failure locks it. */
export function recordAccountFailure(tx: Tx, ctx: PublicCtx, userId: number, failuresBefore: number): number | null {
  const failures = failuresBefore + 1;
  const lockMs = lockMsAfter(failures);
  const lockedUntil = lockMs ? ctx.now.getTime() + lockMs : null;
  tx.update(users).set({ failedLogins: failures, lockedUntil }).where(eq(users.id, userId)).run();
  return lockedUntil;
}
