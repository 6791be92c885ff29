import { createHash, randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler, TypedResponse } from 'hono';
import { dataVersion } from '../../db/boards/dataVersion';
import type { Db } from '../../db/client';
import { bytesOf, compressText, pickEncoding, type Encoding } from './compress';
import { clientAddress, type AppDeps, type AppEnv } from './http';
import type { PublicRateLimit } from './rateLimit';
import { securityHeaderList } from './securityHeaders';

interface Prepared {
  body: string;
  etag: string;
  /** Compressed once per prepared answer, for every visitor after the first. */
  encoded: Partial<Record<Encoding, Promise<Buffer>>>;
}

const MIN_COMPRESS_BYTES = 1024;

interface Store {
  stamp: string;
  answers: Map<string, Prepared>;
}

// Bounded: a client inventing query strings only costs recomputation, never memory.
const MAX_ANSWERS = 2000;
const stores = new WeakMap<Db, Store>();
/** Requests that missed: the URL key and the stamp read before the answer was computed. */
const pending = new WeakMap<Request, { key: string; stamp: string }>();

function storeOf(db: Db, stamp: string): Store {
  let store = stores.get(db);
  if (!store || store.stamp !== stamp || store.answers.size >= MAX_ANSWERS) {
    store = { stamp, answers: new Map() };
    stores.set(db, store);
  }
  return store;
}

/** Whether an If-None-Match list (weak or strong, or `*`) names this ETag (or its compressed twin). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.slice(0, -1);
  for (const part of ifNoneMatch.split(',')) {
    let tag = part.trim();
    if (tag.startsWith('W/')) tag = tag.slice(2);
    if (tag === '*' || tag === etag || (tag.startsWith(bare) && tag.endsWith('"') && /^-(br|gzip)$/.test(tag.slice(bare.length, -1)))) return true;
  }
  return false;
}

interface Representation {
  status: 200 | 304;
  body: string | Uint8Array<ArrayBuffer> | null;
  headers: Record<string, string>;
}

/** The answer for this visitor: its encoding, its ETag, or a 304 when the visitor already has it. */
async function represent(prepared: Prepared, acceptEncoding: string | undefined, ifNoneMatch: string | undefined): Promise<Representation> {
  const encoding = prepared.body.length >= MIN_COMPRESS_BYTES ? pickEncoding(acceptEncoding) : null;
  // Each encoding is its own representation, with its own strong ETag.
  const etag = encoding ? `${prepared.etag.slice(0, -1)}-${encoding}"` : prepared.etag;
  // no-cache: a browser keeps the board but asks every time; an unchanged board costs a 304 without a body.
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ETag: etag, 'Cache-Control': 'no-cache' };
  if (encoding) headers.Vary = 'Accept-Encoding';
  if (etagMatches(ifNoneMatch, prepared.etag)) return { status: 304, body: null, headers };
  if (!encoding) return { status: 200, body: prepared.body, headers };
  const bytes = await (prepared.encoded[encoding] ??= compressText(prepared.body, encoding));
  headers['Content-Encoding'] = encoding;
  return { status: 200, body: bytesOf(bytes), headers };
}

async function answer(c: Context<AppEnv>, prepared: Prepared): Promise<Response> {
  const r = await represent(prepared, c.req.header('accept-encoding'), c.req.header('if-none-match'));
  return r.body === null ? c.body(null, 304, r.headers) : c.body(r.body, 200, r.headers);
}

const securityHeaderObject: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(securityHeaderList));

/**
 * A poster's QR scanned by a whole village: a public GET answered before for the same URL, with
 * nothing committed since, is served ahead of the app — before routing and every middleware — as
 * one Response with plain headers (the security headers, a request id, the rate-limit headers),
 * which the node server writes without building a Headers object. It is counted against the same
 * per-IP limit; a miss or a client over its limit (null) goes through the app, which answers as before.
 */
export function preparedFastPath(deps: AppDeps, limit: PublicRateLimit): (req: Request, env: unknown) => Promise<Response | null> | null {
  return (req, env) => {
    if (req.method !== 'GET') return null;
    const url = req.url;
    const key = url.slice(url.indexOf('/', url.indexOf('//') + 2));
    if (!key.startsWith('/api/public/')) return null;
    return servePreparedHit(deps, limit, req, env, key);
  };
}

async function servePreparedHit(deps: AppDeps, limit: PublicRateLimit, req: Request, env: unknown, key: string): Promise<Response | null> {
  const trustProxy = deps.config.trustProxy;
  const ip = clientAddress(trustProxy ? (req.headers.get('x-forwarded-for') ?? undefined) : undefined, env, trustProxy);
  // A count in the database runs beside the stamp's read; on a miss the app's limiter takes it for this request.
  const early = limit.shared ? limit.count(ip, req) : null;
  const stamp = await dataVersion(deps.db);
  if (stamp === null) return null;
  const hit = storeOf(deps.db, stamp).answers.get(key);
  if (!hit) return null;
  const counted = early ?? limit.count(ip, req);
  // A count the database could not take goes through the app too, whose limiter answers the error.
  const rate = counted instanceof Promise ? await counted.catch(() => null) : counted;
  if (!rate) return null;
  const r = await represent(hit, req.headers.get('accept-encoding') ?? undefined, req.headers.get('if-none-match') ?? undefined);
  return new Response(r.body, { status: r.status, headers: { ...securityHeaderObject, 'X-Request-Id': randomUUID(), ...rate, ...r.headers } });
}

/**
 * Serves a public GET that was answered before for the same URL and nothing has been committed
 * since, as the same prepared string — before its validators run (the same raw input always
 * validates the same way) — or a 304 when the visitor already has it.
 * Put it before the route's validators; the handler answers with `preparedJson`.
 */
export const servePrepared: MiddlewareHandler<AppEnv> = async (c, next) => {
  const db = c.get('deps').db;
  // Null inside an open write transaction: nothing read then may be kept.
  const stamp = await dataVersion(db);
  if (stamp === null) return next();
  const url = c.req.url;
  const key = url.slice(url.indexOf('/', url.indexOf('//') + 2));
  const hit = storeOf(db, stamp).answers.get(key);
  if (hit) return answer(c, hit);
  pending.set(c.req.raw, { key, stamp });
  await next();
};

/**
 * Answers with `value` as JSON with a strong ETag (a 304 when If-None-Match has it), keeping the
 * string for the next visitor of the same URL when `servePrepared` ran first. The value was read
 * after the stamp, so it is at least as new as the stamp it is kept under.
 */
export async function preparedJson<T>(c: Context<AppEnv>, value: T): Promise<Response & TypedResponse<T, 200, 'json'>> {
  const body = JSON.stringify(value);
  const prepared: Prepared = { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"`, encoded: {} };
  const miss = pending.get(c.req.raw);
  if (miss) {
    const store = stores.get(c.get('deps').db);
    if (store && store.stamp === miss.stamp) store.answers.set(miss.key, prepared);
  }
  return (await answer(c, prepared)) as Response & TypedResponse<T, 200, 'json'>;
}
