import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, TooManyRequests } from './errors';

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

/** The single place where errors become HTTP: `{error:{code,message}}`, never a stack trace. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof AppError) {
    if (err instanceof TooManyRequests && err.retryAfterSeconds) c.header('Retry-After', String(err.retryAfterSeconds));
    return c.json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const message = status === 400 ? `请求格式有误：${err.message || 'malformed request'}` : err.message || 'error';
    return c.json({ error: { code: codeByStatus[status] ?? 'error', message } }, status);
  }
  // SQLite constraint failures that slipped past validation are the client's fault, not a crash.
  const sqliteCode = (err as { code?: string }).code;
  if (typeof sqliteCode === 'string' && sqliteCode.startsWith('SQLITE_CONSTRAINT')) {
    return c.json({ error: { code: 'conflict', message: '数据冲突，请检查后重试' } }, 409);
  }
  console.error(err);
  return c.json({ error: { code: 'internal', message: '服务器内部错误，请稍后重试' } }, 500);
}
