import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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
