import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppEnv } from './http';
import { AppError, ServiceUnavailable, TooManyRequests } from './errors';

const codeByStatus: Record<number, string> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

export const DISK_FULL_MESSAGE = '服务器磁盘已满，请联系管理员';
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
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return true;
  if (!code.startsWith('SQLITE_IOERR')) return false;
  const file = c.get('deps')?.db.$client.name;
  if (!file || file === ':memory:') return false;
  try {
    const fs = statfsSync(dirname(file));
    return fs.bavail * fs.bsize < LOW_SPACE_BYTES;
  } catch {
    return false;
  }
}

/** The single place where errors become HTTP: `{error:{code,message}}`, never a stack trace. */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof AppError) {
    if ((err instanceof TooManyRequests || err instanceof ServiceUnavailable) && err.retryAfterSeconds) c.header('Retry-After', String(err.retryAfterSeconds));
    return c.json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const message = status === 400 ? `请求格式有误：${err.message || 'malformed request'}` : err.message || 'error';
    return c.json({ error: { code: codeByStatus[status] ?? 'error', message } }, status);
  }
  const code = errorCode(err);
  // SQLite constraint failures that slipped past validation are the client's fault, not a crash.
  if (code?.startsWith('SQLITE_CONSTRAINT')) {
    return c.json({ error: { code: 'conflict', message: '数据冲突，请检查后重试' } }, 409);
  }
  // The write was one transaction and has been rolled back: the client may retry once the operator has freed space.
  if (code && isDiskFull(code, c)) {
    console.error(`disk full (${code}): ${err.message}`);
    c.header('Retry-After', '60');
    return c.json({ error: { code: 'disk_full', message: DISK_FULL_MESSAGE } }, 503);
  }
  // Another process (a backup, the CLI) held the write lock past busy_timeout; nothing was written.
  if (code?.startsWith('SQLITE_BUSY')) {
    c.header('Retry-After', '2');
    return c.json({ error: { code: 'busy', message: '服务器繁忙，请稍后再试' } }, 503);
  }
  console.error(err);
  return c.json({ error: { code: 'internal', message: '服务器内部错误，请稍后重试' } }, 500);
}
