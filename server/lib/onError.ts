import type { Context, MiddlewareHandler } from 'hono';
import type {} from 'hono/request-id';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { randomUUID } from 'node:crypto';
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { dbFileName } from '../../db/client';
import type { AppEnv } from './http';
import { errorCatalog, type ErrorCode } from './errorCodes';
import { AppError, ServiceUnavailable, TooManyRequests } from './errors';

const codeByStatus: Record<number, ErrorCode> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

export const DISK_FULL_MESSAGE = errorCatalog.disk_full.zh;
// Below this much free space an SQLite I/O error is taken for a full disk (SQLite reports ENOSPC on a write as SQLITE_FULL, but on other calls as SQLITE_IOERR_*).
const LOW_SPACE_BYTES = 16 * 1024 * 1024;

/** The code of an error or of what it wraps (drizzle wraps driver errors in DrizzleQueryError). */
function errorCode(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

function isDiskFull(code: string, c: Context<AppEnv>): boolean {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === '53100') return true;
  if (!code.startsWith('SQLITE_IOERR')) return false;
  const db = c.get('deps')?.db;
  const file = db && dbFileName(db);
  if (!file || file === ':memory:') return false;
  try {
    const fs = statfsSync(dirname(file));
    return fs.bavail * fs.bsize < LOW_SPACE_BYTES;
  } catch {
    return false;
  }
}

// PostgreSQL SQLSTATEs: unique, foreign key, check, not null, exclusion violations.
const PG_CONFLICT = new Set(['23505', '23503', '23514', '23502', '23P01']);
// Serialization failure, deadlock (both left after pgTransaction's retries), lock_timeout: nothing was written.
const PG_BUSY = new Set(['40001', '40P01', '55P03']);
// The database is unreachable or refused the work: read-only transaction (a write reached a replica),
// statement_timeout, shutdown or recovery, a lost connection. Nothing was written; the operator must look.
// Too many connections (53300) or no free pooled one in time (db/pg/pool.ts PgPoolTimeout).
const PG_UNAVAILABLE = new Set(['25006', '53300', '57014', '57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'JIFEN_POOL_TIMEOUT']);

/** Names every request (X-Request-Id, error bodies, log lines); always ours, so a client cannot forge another request's id in the log. */
export const requestIds: MiddlewareHandler = async (c, next) => {
  const id = randomUUID();
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  await next();
};

/**
 * Whether the client prefers English to Chinese (Accept-Language, by q-value; a tie goes to the one
 * listed first). Chinese is the default: the people at the counter read Chinese.
 */
export function prefersEnglish(acceptLanguage: string | undefined): boolean {
  if (!acceptLanguage) return false;
  let best: { lang: 'en' | 'zh'; q: number } | null = null;
  for (const part of acceptLanguage.split(',').slice(0, 20)) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const lang = tag === 'en' || tag?.startsWith('en-') ? 'en' : tag === 'zh' || tag?.startsWith('zh-') ? 'zh' : null;
    if (!lang) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang, q };
  }
  return best?.lang === 'en';
}

/** The body of every error answer; the message in the client's language. */
function errorBody(c: Context<AppEnv>, code: ErrorCode, zhMessage: string, details?: unknown) {
  const message = prefersEnglish(c.req.header('accept-language')) ? errorCatalog[code].en : zhMessage;
  const requestId = c.get('requestId') ?? 'none';
  return { error: { code, message, requestId, ...(details ? { details } : {}) } };
}

/** One line per failed request the operator must look at, with the id the client was given. */
function logFailure(c: Context<AppEnv>, what: string, err: unknown): void {
  console.error(`[jifen] ${c.req.method} ${c.req.path} requestId=${c.get('requestId') ?? 'none'} ${what}`, err);
}

/** The single place where errors become HTTP: `{error:{code,message,requestId}}`, never a stack trace. */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof AppError) {
    if ((err instanceof TooManyRequests || err instanceof ServiceUnavailable) && err.retryAfterSeconds) c.header('Retry-After', String(err.retryAfterSeconds));
    if (err.status >= 500) logFailure(c, err.code, err.message);
    return c.json(errorBody(c, err.code, err.message, err.details), err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = codeByStatus[status] ?? (status < 500 ? 'invalid' : 'internal');
    const message = status === 400 ? `请求格式有误：${err.message || 'malformed request'}` : errorCatalog[code].zh;
    return c.json(errorBody(c, code, message), status);
  }
  const code = errorCode(err);
  // SQLite constraint failures that slipped past validation are the client's fault, not a crash.
  if (code?.startsWith('SQLITE_CONSTRAINT')) {
    return c.json(errorBody(c, 'conflict', errorCatalog.conflict.zh), 409);
  }
  if (code && PG_CONFLICT.has(code)) {
    return c.json(errorBody(c, 'conflict', errorCatalog.conflict.zh), 409);
  }
  // The write was one transaction and has been rolled back: the client may retry once the operator has freed space.
  if (code && isDiskFull(code, c)) {
    logFailure(c, `disk full (${code})`, err.message);
    c.header('Retry-After', '60');
    return c.json(errorBody(c, 'disk_full', DISK_FULL_MESSAGE), 503);
  }
  // Another process (a backup, the CLI) held the write lock past busy_timeout; nothing was written.
  if (code?.startsWith('SQLITE_BUSY')) {
    c.header('Retry-After', '2');
    return c.json(errorBody(c, 'busy', errorCatalog.busy.zh), 503);
  }
  if (code && (PG_BUSY.has(code) || PG_UNAVAILABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
    if (!PG_BUSY.has(code)) logFailure(c, `database unavailable (${code})`, err.message);
    c.header('Retry-After', '2');
    return c.json(errorBody(c, 'busy', errorCatalog.busy.zh), 503);
  }
  logFailure(c, 'internal', err);
  return c.json(errorBody(c, 'internal', errorCatalog.internal.zh), 500);
}
