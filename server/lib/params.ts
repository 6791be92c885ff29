import { z } from 'zod';
import { periodPattern } from '../../db/time';

/** A numeric path id; anything else is a 400, never a lookup. */
export const IdParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
export type IdParam = z.infer<typeof IdParam>;

export const Paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
};

/**
 * The years a date in this system may name. Points are for what a village did this century; a year
 * like 0000 or 9999 is a typing slip, and once posted to the append-only ledger it could never be fixed.
 */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

export function isYearInRange(year: string): boolean {
  const y = Number(year.slice(0, 4));
  return y >= MIN_YEAR && y <= MAX_YEAR;
}

/** A day that exists on the calendar (31 February does not; 29 February only in leap years). */
export function isRealDay(day: string): boolean {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return isYearInRange(day) && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const yearRange = `${MIN_YEAR}–${MAX_YEAR} 年`;

/** A calendar day, YYYY-MM-DD; the one schema for every date a request carries. */
export const Day = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, '日期应为 YYYY-MM-DD')
  .refine(isRealDay, `日期不存在，或不在 ${yearRange}之间`);

/** A year, YYYY. */
export const Year = z.string().regex(/^\d{4}$/, '年份应为 YYYY').refine(isYearInRange, `年份应在 ${yearRange}之间`);

/** A period key: a year YYYY, a quarter YYYY-Qn or a month YYYY-MM. */
export const Period = z
  .string()
  .regex(periodPattern, 'period 应为 YYYY、YYYY-Qn 或 YYYY-MM')
  .refine(isYearInRange, `period 的年份应在 ${yearRange}之间`);
