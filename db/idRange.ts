/**
 * County id ranges. A province keeps many counties in one PostgreSQL database, and a county's ids can never be
 * rewritten when it moves there (every ledger hash commits to its household, village, rule, award … ids, and
 * checkpoints are published). So county number k (1..99999) takes its ids in every table from
 * [k·10^10, (k+1)·10^10); number 0 is a county made without a number, ids from 1 (every county made before this).
 * 100000·10^10 = 10^15: every id has at most 15 digits, so it survives Excel (15 significant digits) on a score
 * sheet, and stays an exact JavaScript number.
 */

/** Ids one county may use in one table: 10^10. */
export const COUNTY_ID_SPAN = 10_000_000_000;
export const MAX_COUNTY_NUMBER = 99_999;

/** A county number that is not a whole number in 0..99999 (or 1..99999 where 0 is not allowed). */
export class CountyNumberError extends Error {
  override name = 'CountyNumberError';
}

export function isCountyNumber(k: unknown): k is number {
  return typeof k === 'number' && Number.isSafeInteger(k) && k >= 0 && k <= MAX_COUNTY_NUMBER;
}

/** k itself, or a CountyNumberError naming `setting`. */
export function checkCountyNumber(k: number, setting = 'county number'): number {
  if (!isCountyNumber(k)) throw new CountyNumberError(`${setting} must be a whole number from 0 to ${MAX_COUNTY_NUMBER}, not ${String(k)}`);
  return k;
}

/** A county number as written in an environment variable or on a command line: digits only ("37"), no sign, no decimals. */
export function parseCountyNumber(raw: string, setting = 'county number'): number {
  const text = raw.trim();
  if (!/^\d{1,6}$/.test(text)) throw new CountyNumberError(`${setting} must be a whole number from 0 to ${MAX_COUNTY_NUMBER}, not "${raw}"`);
  return checkCountyNumber(Number(text), setting);
}

/** The last id below county k's first: the first id is countyIdBase(k) + 1 (0 for number 0, so ids from 1 as ever). */
export function countyIdBase(k: number): number {
  return checkCountyNumber(k) * COUNTY_ID_SPAN;
}

/** The number of the county whose range holds `id`. */
export function rangeOf(id: number): number {
  if (!Number.isSafeInteger(id) || id < 1) throw new CountyNumberError(`not an id: ${String(id)}`);
  return Math.floor(id / COUNTY_ID_SPAN);
}

/** True when `id` lies in county k's range. */
export function inCountyRange(id: number, k: number): boolean {
  return Number.isSafeInteger(id) && id >= Math.max(1, countyIdBase(k)) && id < countyIdBase(k) + COUNTY_ID_SPAN;
}
