/** Server times are epoch milliseconds; accept an ISO string too so a format change does not break the page. */
export function toEpochMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const n = Date.parse(value);
  return Number.isNaN(n) ? 0 : n;
}

/** Whole seconds left, never negative; rounds up so "1" shows until the very end. */
export function secondsLeft(expiresAtMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((expiresAtMs - nowMs) / 1000));
}

/**
 * How long to wait before fetching the next code: `leadMs` before expiry, so the new code is on screen
 * before the old one stops working; at least `minMs` so a clock skew cannot cause a request storm.
 */
export function refreshDelayMs(expiresAtMs: number, nowMs: number, leadMs = 10_000, minMs = 2_000): number {
  return Math.max(minMs, expiresAtMs - nowMs - leadMs);
}

/** Share of the lifetime left, 0..1, for the progress ring. */
export function fractionLeft(expiresAtMs: number, nowMs: number, ttlMs: number): number {
  if (ttlMs <= 0) return 0;
  return Math.min(1, Math.max(0, (expiresAtMs - nowMs) / ttlMs));
}

/**
 * The device clock may be off by minutes on a cheap phone; measure the remaining time from the
 * server's own TTL at the moment the answer arrived instead of trusting `expiresAt` against `Date.now()`.
 */
export function localExpiry(receivedAtMs: number, ttlSeconds: number | undefined, serverExpiresAtMs: number, serverNowMs?: number): number {
  if (ttlSeconds && ttlSeconds > 0) return receivedAtMs + ttlSeconds * 1000;
  if (serverNowMs !== undefined) return receivedAtMs + (serverExpiresAtMs - serverNowMs);
  return serverExpiresAtMs;
}
