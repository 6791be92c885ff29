import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const PREFIX = 'J1';

export interface PassClaims {
  householdId: number;
  expiresAt: number;
  nonce: string;
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest().subarray(0, 16).toString('base64url');
}

/** A short one-time code: "J1.<household>.<expiry>.<nonce>.<hmac>", small enough for a low-density QR code. */
export function createPassToken(secret: string, householdId: number, expiresAt: number): { token: string; nonce: string } {
  const nonce = randomBytes(9).toString('base64url');
  const payload = [PREFIX, householdId.toString(36), Math.floor(expiresAt / 1000).toString(36), nonce].join('.');
  return { token: `${payload}.${sign(secret, payload)}`, nonce };
}

/** The claims of a well-signed token, or null. Expiry and reuse are checked by the caller. */
export function readPassToken(secret: string, token: string): PassClaims | null {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== PREFIX) return null;
  const payload = parts.slice(0, 4).join('.');
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(parts[4]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const householdId = parseInt(parts[1], 36);
  const expiresAt = parseInt(parts[2], 36) * 1000;
  if (!Number.isSafeInteger(householdId) || !Number.isSafeInteger(expiresAt)) return null;
  return { householdId, expiresAt, nonce: parts[3] };
}

export function isPassToken(code: string): boolean {
  return code.startsWith(`${PREFIX}.`);
}

/**
 * The typed form of a one-time code: "28" and 16 random digits, shown in groups under the QR code
 * ("28 1234 5678 9012 3456") and mapped to the same nonce, so spending either spends both. Why 16 random
 * digits are enough: see README (counter codes) and NUMERIC_CODE_BUDGETS below.
 */
export const PASS_DIGITS_PREFIX = '28';
const PASS_RANDOM_DIGITS = 16;
/** A printed card's number: "9" and 11 random digits; not a secret (it is printed), the PIN is. */
export const CARD_NUMBER_PREFIX = '9';
const CARD_RANDOM_DIGITS = 11;

function randomDigits(n: number): string {
  let out = '';
  // randomInt is uniform (rejection sampling); 8 digits per draw stays below its 2^48 range.
  while (out.length < n) out += randomInt(0, 100_000_000).toString().padStart(8, '0');
  return out.slice(0, n);
}

export function createPassDigits(): string {
  return PASS_DIGITS_PREFIX + randomDigits(PASS_RANDOM_DIGITS);
}

export function createCardNumber(): string {
  return CARD_NUMBER_PREFIX + randomDigits(CARD_RANDOM_DIGITS);
}

export function isPassDigits(code: string): boolean {
  return code.length === PASS_DIGITS_PREFIX.length + PASS_RANDOM_DIGITS && code.startsWith(PASS_DIGITS_PREFIX) && /^\d+$/.test(code);
}

export function isCardNumber(code: string): boolean {
  return code.length === CARD_NUMBER_PREFIX.length + CARD_RANDOM_DIGITS && code.startsWith(CARD_NUMBER_PREFIX) && /^\d+$/.test(code);
}

/** What the database keeps of a typed code: an HMAC, so reading the table does not give a code to spend. */
export function passDigitsDigest(secret: string, digits: string): string {
  return createHmac('sha256', secret).update(`pass-digits:${digits}`).digest('base64url');
}

/** Digits in groups of four after the two-digit prefix, as people read them out. */
export function groupDigits(digits: string): string {
  const head = digits.slice(0, 2);
  const rest = digits.slice(2).match(/.{1,4}/g) ?? [];
  return [head, ...rest].join(' ');
}
