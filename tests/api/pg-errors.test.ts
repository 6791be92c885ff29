import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppEnv } from '../../server/lib/http';
import { onError, requestIds } from '../../server/lib/onError';

/** A PostgreSQL driver error as node-postgres throws it: an Error with the SQLSTATE in `.code`. */
function pgError(code: string, message = `pg error ${code}`): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

/** A tiny app whose one route throws `err`, answered by the real onError. */
async function answerTo(err: Error, acceptLanguage?: string) {
  const app = new Hono<AppEnv>();
  app.use('*', requestIds);
  app.get('/boom', () => {
    throw err;
  });
  app.onError(onError);
  const res = await app.request('/boom', { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error: { code: string; message: string; requestId: string } } };
}

afterEach(() => vi.restoreAllMocks());

describe('PostgreSQL errors reaching onError', () => {
  it.each(['23505', '23503', '23514', '23502', '23P01'])('answers constraint violation %s with 409 conflict, no Retry-After', async (code) => {
    const res = await answerTo(pgError(code, 'duplicate key value violates unique constraint "households_code_key"'));
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'conflict', message: '数据冲突，请检查后重试', requestId: expect.any(String) });
    expect(res.retryAfter).toBeNull();
  });

  it('never shows the driver message (it names tables and values)', async () => {
    const res = await answerTo(pgError('23505', 'duplicate key value violates unique constraint "users_username_key" DETAIL: Key (username)=(secret)'));
    expect(JSON.stringify(res.body)).not.toContain('users_username_key');
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it.each(['40001', '40P01', '55P03'])('answers %s (serialization, deadlock, lock timeout) with 503 busy and Retry-After', async (code) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await answerTo(pgError(code));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('busy');
    expect(res.body.error.message).toBe('服务器繁忙，请稍后再试');
    expect(res.retryAfter).toBe('2');
    // Contention is expected under load: not an operator alarm.
    expect(logged).not.toHaveBeenCalled();
  });

  it('answers a full disk (53100) with 503 disk_full, Retry-After 60, and logs it', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await answerTo(pgError('53100', 'could not extend file: No space left on device'));
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({ code: 'disk_full', message: '服务器磁盘已满，请联系管理员', requestId: expect.any(String) });
    expect(res.retryAfter).toBe('60');
    expect(String(logged.mock.calls[0]?.[0])).toContain('disk full (53100)');
  });

  it('answers a write that reached a replica (25006) with 503 busy and logs it for the operator', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await answerTo(pgError('25006', 'cannot execute INSERT in a read-only transaction'));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('busy');
    expect(res.retryAfter).toBe('2');
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]?.[0])).toContain('database unavailable (25006)');
    expect(String(logged.mock.calls[0]?.[0])).toContain(`requestId=${res.body.error.requestId}`);
  });

  it.each(['57014', '57P01', '57P03', '08006', '53300', 'ECONNREFUSED', 'JIFEN_POOL_TIMEOUT'])('answers an unreachable or cancelling database (%s) with 503 busy, logged', async (code) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await answerTo(pgError(code));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('busy');
    expect(logged).toHaveBeenCalledTimes(1);
  });

  it('finds the SQLSTATE on an error that wraps the driver error (drizzle does)', async () => {
    const wrapped = Object.assign(new Error('Failed query: insert into …'), { cause: pgError('23505') });
    expect((await answerTo(wrapped)).status).toBe(409);
  });

  it('answers in English when asked', async () => {
    const res = await answerTo(pgError('40P01'), 'en-US,en;q=0.9');
    expect(res.body.error.message).toBe('The server is busy; try again later');
  });

  it('leaves unknown codes and look-alikes as 500 internal', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const code of ['42P01', '0800', '080000', '23505x', 'ERR_SOMETHING']) {
      const res = await answerTo(pgError(code));
      expect(res.status, code).toBe(500);
      expect(res.body.error.code).toBe('internal');
    }
    expect(logged).toHaveBeenCalledTimes(5);
  });
});
