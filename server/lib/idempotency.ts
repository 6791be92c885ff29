import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { findRequestKey, purgeRequestKeys, releaseRequestKey, reserveRequestKey, storeRequestAnswer, type RequestKeyRow } from '../../db/idempotency/requestKeys';
import { transaction } from '../../db/transaction';
import { Conflict, Invalid, Unprocessable } from './errors';
import type { AppEnv } from './http';

/** The Idempotency-Key header every creating request may carry (redemptions must). */
export const IdempotencyKey = z
  .string()
  .min(8, 'Idempotency-Key 至少 8 个字符')
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'Idempotency-Key 格式不正确');

/** The fingerprint a key is bound to: the same key with another request is refused, never replayed. */
export function requestHash(canonical: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** JSON with object keys sorted, so the same form sent twice hashes the same whatever the key order. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function canonicalBody(text: string): unknown {
  try {
    return sortedKeys(JSON.parse(text));
  } catch {
    // Not JSON: the route will refuse it; the raw text still tells two bodies apart.
    return text;
  }
}

export const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** A reservation still without an answer after this long belongs to a process that died mid-request. */
const ABANDONED_MS = 2 * 60 * 1000;
/** How long a parallel duplicate waits for the first request's answer before it is told to retry. */
const WAIT_MS = 3000;
const POLL_MS = 20;
const PURGE_EVERY_MS = 60 * 60 * 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function mismatch(): Unprocessable {
  return new Unprocessable('idempotency_mismatch', '同一 Idempotency-Key 用于了不同的请求');
}

function replay(row: RequestKeyRow & { status: number; body: string }): Response {
  return new Response(row.body, {
    status: row.status,
    headers: { 'Content-Type': row.contentType ?? 'application/json', 'Idempotent-Replayed': 'true' },
  });
}

/**
 * A double click never creates two: a POST under /api with an Idempotency-Key (from a signed-in user)
 * reserves (user, key) in its own transaction before the handler runs; the answer of a successful
 * request is stored after it and given again to every repeat (Idempotent-Replayed: true). A repeat
 * with another method, path or body is refused (422 idempotency_mismatch); a parallel duplicate waits
 * up to 3 s for the first answer, then gets 409 idempotency_in_progress. A failed request gives the
 * key back, so the corrected form can be sent with it. Keys expire after 24 hours.
 *
 * The answer is stored after the handler's own transaction: if the process dies in between, the
 * reservation is treated as abandoned after two minutes. Redemptions, where that gap is not
 * acceptable, store their answer inside their own transaction and are skipped here.
 */
export function idempotency(options: { skip: (path: string) => boolean }): MiddlewareHandler<AppEnv> {
  let purgedAt = 0;
  return async (c, next) => {
    const header = c.req.method === 'POST' ? c.req.header('idempotency-key') : undefined;
    const actor = c.get('actor');
    if (header === undefined || !actor || options.skip(c.req.path)) return next();
    const parsed = IdempotencyKey.safeParse(header);
    if (!parsed.success) throw new Invalid(parsed.error.issues[0]?.message ?? 'Idempotency-Key 格式不正确');
    const key = parsed.data;
    const { db, now } = c.get('deps');
    const userId = actor.userId;
    const hash = requestHash({ method: c.req.method, path: c.req.path, body: canonicalBody(await c.req.text()) });

    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const at = (now ? now() : new Date()).getTime();
      const held = await transaction(db, async (tx) => {
        if (at - purgedAt >= PURGE_EVERY_MS) {
          purgedAt = at;
          await purgeRequestKeys(tx, at - KEY_LIFETIME_MS);
        }
        return reserveRequestKey(tx, userId, key, hash, at, { expiredBefore: at - KEY_LIFETIME_MS, abandonedBefore: at - ABANDONED_MS });
      });
      if (!held) break;
      if (held.requestHash !== hash) throw mismatch();
      if (held.status !== null && held.body !== null) return replay({ ...held, status: held.status, body: held.body });
      // In progress: wait for its answer (read without taking the write lane), then look again.
      while (Date.now() < deadline) {
        await sleep(POLL_MS);
        const row = await findRequestKey(db, userId, key);
        if (!row || row.status !== null) break;
      }
      if (Date.now() >= deadline) throw new Conflict('idempotency_in_progress', '同一请求正在处理中，请稍后再试');
    }

    let stored = false;
    try {
      await next();
      const res = c.res;
      if (res.status >= 200 && res.status < 300) {
        const body = await res.clone().text();
        await transaction(db, (tx) => storeRequestAnswer(tx, userId, key, { status: res.status, contentType: res.headers.get('content-type'), body }));
        stored = true;
      }
    } finally {
      if (!stored) await transaction(db, (tx) => releaseRequestKey(tx, userId, key));
    }
  };
}
