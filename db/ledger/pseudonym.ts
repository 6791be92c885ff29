import { hash as digest } from 'node:crypto';

/**
 * A household's public name in the ledger, which changes every calendar year: boards of one year can
 * be recomputed from the public ledger (every entry of the year carries the same pseudonym), but the
 * pseudonyms of two years cannot be linked without the household's secret seed (households.pseudonym_seed,
 * never served). The one owner of the derivation: posting, verify, boards and proofs all call it.
 */

const TAG = 'jifen-pseudonym/1';
/** 23 lowercase letters without i, l and o (read as 1, 1 and 0): no pseudonym can look like a number. */
export const PSEUDONYM_ALPHABET = 'abcdefghjkmnpqrstuvwxyz';
const LETTERS = 12;
const BASE = BigInt(PSEUDONYM_ALPHABET.length);

/** A seed as the database holds it: 32 lowercase hex (16 random bytes). */
export const PSEUDONYM_SEED = /^[0-9a-f]{32}$/;
/** A yearly pseudonym: three groups of four letters of the alphabet, e.g. `kxmd-rtha-pwce`. */
export const PSEUDONYM = /^[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}-[a-hjkmnp-z]{4}$/;

/**
 * The pseudonym of the household with `seed` in `year` (four digits, the first four characters of an
 * entry's occurredOn or of a board's period). SHA-256 of J(['jifen-pseudonym/1', seed, year]) read as a
 * big-endian number, written as its 12 lowest base-23 digits (least significant first) in the alphabet,
 * grouped `xxxx-xxxx-xxxx`.
 */
export function yearlyPseudonym(seed: string, year: string): string {
  if (!PSEUDONYM_SEED.test(seed)) throw new Error('a pseudonym seed is 32 lowercase hex: run the migrations');
  if (!/^\d{4}$/.test(year)) throw new Error(`a pseudonym year is four digits, not ${JSON.stringify(year)}`);
  let n = BigInt(`0x${digest('sha256', JSON.stringify([TAG, seed, year]), 'hex')}`);
  let out = '';
  for (let i = 0; i < LETTERS; i++) {
    if (i === 4 || i === 8) out += '-';
    out += PSEUDONYM_ALPHABET[Number(n % BASE)];
    n /= BASE;
  }
  return out;
}

/** The year an entry's pseudonym belongs to: the first four characters of its occurredOn (or of a period). */
export function pseudonymYear(dayOrPeriod: string): string {
  return dayOrPeriod.slice(0, 4);
}

/**
 * `yearlyPseudonym` remembered per (seed, year) for one pass over many entries (verify, bulk loads,
 * public pages): a household has one pseudonym a year. Drop the function when the pass ends.
 */
export function pseudonymMemo(): (seed: string, year: string) => string {
  const memo = new Map<string, string>();
  return (seed, year) => {
    const key = seed + year;
    let p = memo.get(key);
    if (p === undefined) {
      p = yearlyPseudonym(seed, year);
      if (memo.size >= 200_000) memo.clear();
      memo.set(key, p);
    }
    return p;
  };
}

/**
 * Rows with the household's pseudonym of `period`'s year in place of its secret `seed` (a board of year Y
 * names each household as the public ledger's entries of year Y do); the seed does not stay on the rows.
 */
export function withPseudonyms<T extends { seed: string | null }>(rows: readonly T[], period: string): Array<Omit<T, 'seed'> & { pseudonym: string }> {
  const pseudonymOf = pseudonymMemo();
  const year = pseudonymYear(period);
  return rows.map(({ seed, ...rest }) => ({ ...rest, pseudonym: seed ? pseudonymOf(seed, year) : '' }));
}
