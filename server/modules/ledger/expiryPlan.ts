import { shanghaiDay } from '../../../db/time';
import type { AreaSettings } from '../areas/resolveSettings';

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** Midnight at the start of a Shanghai calendar day, as an instant. */
export function shanghaiMidnight(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS;
}

function addMonths(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/**
 * The expiry cut-off in force now: points credited before it and still unspent expire.
 * Year-end clearing (年度清零) cuts at the start of the current year; "months" cuts N months back.
 */
export function expiryCutoff(settings: Pick<AreaSettings, 'expiryMode' | 'expiryMonths'>, now: number): number | null {
  const today = shanghaiDay(now);
  if (settings.expiryMode === 'year_end') return shanghaiMidnight(`${today.slice(0, 4)}-01-01`);
  if (settings.expiryMode === 'months' && settings.expiryMonths) return shanghaiMidnight(addMonths(today, -settings.expiryMonths));
  return null;
}

/** When the next expiry happens and which cut-off it will use, so households can be told in advance. */
export function nextExpiry(settings: Pick<AreaSettings, 'expiryMode' | 'expiryMonths'>, now: number, horizonDays = 30): { on: string; cutoff: number } | null {
  const today = shanghaiDay(now);
  if (settings.expiryMode === 'year_end') {
    const next = `${Number(today.slice(0, 4)) + 1}-01-01`;
    return { on: next, cutoff: shanghaiMidnight(next) };
  }
  if (settings.expiryMode === 'months' && settings.expiryMonths) {
    const horizon = addMonths(shanghaiDay(now + horizonDays * 86_400_000), -settings.expiryMonths);
    return { on: shanghaiDay(now + horizonDays * 86_400_000), cutoff: shanghaiMidnight(horizon) };
  }
  return null;
}
