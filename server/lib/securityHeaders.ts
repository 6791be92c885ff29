import type { MiddlewareHandler } from 'hono';

/**
 * Content-Security-Policy for the API and the web app. The app's scripts are its own files;
 * element-plus and the print pages set inline styles; QR codes and photos are data:/blob: images.
 */
const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Every answer's security headers, computed once at start-up: hono/secure-headers' defaults (minus
 * Cross-Origin-Embedder-Policy, which would block the camera's blob: frames) with our CSP; the counter
 * scans codes with the camera, so the camera is allowed for this origin only.
 */
export const securityHeaderList: ReadonlyArray<readonly [string, string]> = Object.freeze([
  ['Content-Security-Policy', csp],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Permissions-Policy', 'camera=(self), microphone=(), geolocation=()'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
] as const);

/** Sets the precomputed headers on whatever answer the app gives (errors and static files included), overwriting any a route set. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  for (const [name, value] of securityHeaderList) headers.set(name, value);
};
