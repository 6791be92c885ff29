import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

// One set of parameters for real and dummy hashes: a dummy that costs less would tell unknown usernames apart.
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

// 128 * N * r bytes is scrypt's working set; Node's default maxmem (32 MiB) is too small for N = 2^17.
const maxmem = (N: number, r: number) => 128 * N * r * 2;

const format = (N: number, salt: Buffer, key: Buffer) => ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');

/** Hashes with scrypt (OWASP: N=2^17, r=8, p=1) into "scrypt$N$r$p$salt$hash". */
export async function hashPassword(password: string, N: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password.normalize('NFKC'), salt, KEY_BYTES, { N, r: R, p: P, maxmem: maxmem(N, R) });
  return format(N, salt, key);
}

const dummies = new Map<number, string>();

/**
 * A hash no password matches, in the exact shape and cost of `hashPassword(…, N)`: checked through
 * `verifyPassword` when there is nothing real to check, so "no such account" takes as long as a wrong password.
 */
export function dummyPasswordHash(N: number): string {
  let hash = dummies.get(N);
  if (!hash) {
    hash = format(N, randomBytes(SALT_BYTES), randomBytes(KEY_BYTES));
    dummies.set(N, hash);
  }
  return hash;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const N = Number(n);
  const rr = Number(r);
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: rr,
    p: Number(p),
    maxmem: maxmem(N, rr),
  });
  return timingSafeEqual(key, expected);
}
