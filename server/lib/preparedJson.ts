import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler, TypedResponse } from 'hono';
import { dataVersion } from '../../db/boards/dataVersion';
import type { Db } from '../../db/client';
import type { AppEnv } from './http';

interface Prepared {
  body: string;
  etag: string;
}

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

/** Whether an If-None-Match list (weak or strong, or `*`) names this ETag. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  for (const part of ifNoneMatch.split(',')) {
    const tag = part.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}

function answer(c: Context<AppEnv>, prepared: Prepared): Response {
  // no-cache: a browser keeps the board but asks every time; an unchanged board costs a 304 without a body.
  if (etagMatches(c.req.header('if-none-match'), prepared.etag)) return c.body(null, 304, { ETag: prepared.etag, 'Cache-Control': 'no-cache' });
  return c.body(prepared.body, 200, { 'Content-Type': 'application/json', ETag: prepared.etag, 'Cache-Control': 'no-cache' });
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
export function preparedJson<T>(c: Context<AppEnv>, value: T): Response & TypedResponse<T, 200, 'json'> {
  const body = JSON.stringify(value);
  const prepared: Prepared = { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
  const miss = pending.get(c.req.raw);
  if (miss) {
    const store = stores.get(c.get('deps').db);
    if (store && store.stamp === miss.stamp) store.answers.set(miss.key, prepared);
  }
  return answer(c, prepared) as Response & TypedResponse<T, 200, 'json'>;
}
