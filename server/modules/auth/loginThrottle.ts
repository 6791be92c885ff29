import {
  accountBackoff,
  keyBackoff,
  pruneThrottle,
  releaseAttempt,
  reserveAttempt,
  saveAccountBackoff,
  saveKeyBackoff,
  throttledFor,
  type Backoff,
  type Budget,
} from '../../../db/auth/throttle';
import type { Tx } from '../../../db/transaction';
import type { PublicCtx } from '../../lib/context';
import { TooManyRequests } from '../../lib/errors';

/**
 * Per account (or unknown username): four free failures, then the 5th locks for a minute and each
 * further one doubles that, up to 15 minutes. Every attempt is counted before its hash is checked and
 * none is admitted while locked, so a burst of any size buys exactly one guess per step and cannot
 * lengthen the lock. The cap keeps a lock a short nuisance rather than a way to shut someone out; an
 * admin can lift it at once. A day after the last failure (or lock), earlier failures are forgotten.
 */
export const ACCOUNT_FREE_FAILURES = 4;
const LOCK_BASE_MS = 60_000;
export const LOCK_MAX_MS = 15 * 60_000;
export const FORGET_AFTER_MS = 24 * 3600_000;

/**
 * Per IP: wrong passwords checked from one address, across all usernames. A village office behind one
 * address makes a handful; one account contributes at most ~9 in a window (its own back-off), so only
 * an address trying many accounts reaches this, and only then are its logins refused.
 */
export const LOGIN_IP_BUDGET: Budget = { max: 200, windowMs: 15 * 60_000 };

export function lockMsAfter(failures: number): number {
  if (failures <= ACCOUNT_FREE_FAILURES) return 0;
  return Math.min(LOCK_BASE_MS * 2 ** (failures - ACCOUNT_FREE_FAILURES - 1), LOCK_MAX_MS);
}

type Step = { admitted: false; waitMs: number } | { admitted: true; failures: number; until: number; lockMs: number };

/** The next attempt against a back-off state: refused while locked, else counted as a failure in advance. */
export function nextAttempt(state: Backoff | undefined, now: number): Step {
  if (state?.until != null && state.until > now) return { admitted: false, waitMs: state.until - now };
  const forgotten = !state || (state.until != null && state.until + FORGET_AFTER_MS <= now);
  const failures = (forgotten ? 0 : state.failures) + 1;
  const lockMs = lockMsAfter(failures);
  // `until` is at least now, so it also dates the last failure (for forgetting).
  return { admitted: true, failures, until: now + lockMs, lockMs };
}

const ipKey = (ctx: PublicCtx) => `login-ip:${ctx.device.ip ?? 'unknown'}`;
const nameKey = (username: string) => `login-name:${username}`;

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

export interface LoginReservation {
  ipWindow: number;
  /** The account's failure count including this attempt. */
  failures: number;
  /** This attempt, if wrong, locks the account (for the audit row written after the check). */
  lockMs: number;
  lockedUntil: number;
}

/**
 * Counts this login attempt before the password is hashed, in the caller's transaction: one failure
 * against the IP's window and one against the account (or the unknown username, which is treated the
 * same so a lock does not reveal which usernames exist). Throws 429 when either refuses.
 */
export async function reserveLogin(tx: Tx, ctx: PublicCtx, username: string, userId: number | null): Promise<LoginReservation> {
  const now = ctx.now.getTime();
  const state = userId === null ? await keyBackoff(tx, nameKey(username)) : await accountBackoff(tx, userId);
  const step = nextAttempt(state, now);
  if (!step.admitted) {
    const wait = Math.ceil(step.waitMs / 1000);
    throw new TooManyRequests(`密码错误次数过多，账号已暂时锁定，请 ${minutes(step.waitMs)} 分钟后再试`, 'account_locked', wait);
  }
  const ipWindow = await reserveAttempt(tx, ipKey(ctx), LOGIN_IP_BUDGET, now);
  if (ipWindow === null) {
    const wait = await throttledFor(tx, ipKey(ctx), LOGIN_IP_BUDGET, now);
    throw new TooManyRequests(`登录失败次数过多，请 ${minutes(wait * 1000)} 分钟后再试`, 'too_many_requests', wait);
  }
  if (userId === null) await saveKeyBackoff(tx, nameKey(username), step);
  else await saveAccountBackoff(tx, userId, step);
  return { ipWindow, failures: step.failures, lockMs: step.lockMs, lockedUntil: step.until };
}

/**
 * A right password clears the account's failures up to and including its own attempt and gives the IP
 * its attempt back. Attempts that started after it are still being checked and stay counted, with any
 * lock they set: a login racing a burst does not hand the burst fresh guesses.
 */
export async function releaseLogin(tx: Tx, ctx: PublicCtx, userId: number, reservation: LoginReservation): Promise<void> {
  const current = await accountBackoff(tx, userId);
  const later = Math.max((current?.failures ?? 0) - reservation.failures, 0);
  await saveAccountBackoff(tx, userId, later > 0 && current ? { failures: later, until: current.until } : { failures: 0, until: null });
  await releaseAttempt(tx, ipKey(ctx), reservation.ipWindow);
}

export function pruneLoginCounters(tx: Tx, now: number): Promise<void> {
  return pruneThrottle(tx, now, Math.max(FORGET_AFTER_MS + LOCK_MAX_MS, LOGIN_IP_BUDGET.windowMs));
}
