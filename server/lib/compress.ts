import type { MiddlewareHandler } from 'hono';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type Encoding = 'br' | 'gzip';

/** JSON answers smaller than this go as they are: compressing them saves less than a packet. */
const MIN_BYTES = 1024;

/**
 * The encoding to send by the client's Accept-Encoding: brotli, else gzip (q=0 refuses one, `*` stands
 * for the others); null for the identity.
 */
export function pickEncoding(acceptEncoding: string | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  const q: Partial<Record<string, number>> = {};
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q[name] = Number.isFinite(value) ? value : 0;
  }
  const weight = (name: Encoding) => q[name] ?? q['*'] ?? 0;
  if (weight('br') > 0 && weight('br') >= weight('gzip')) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return null;
}

/** A Buffer as a response body, without a copy. */
export function bytesOf(buffer: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.length);
}

/** Compresses off the main thread; `quality` high for what is compressed once and sent many times. */
export function compressText(body: string | Buffer, encoding: Encoding, quality: 'once' | 'per-request' = 'once'): Promise<Buffer> {
  const raw = typeof body === 'string' ? Buffer.from(body) : body;
  return encoding === 'br'
    ? brotliAsync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: quality === 'once' ? 11 : 5, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
    : gzipAsync(raw, { level: quality === 'once' ? 9 : 6 });
}

/**
 * Compresses JSON answers of 1 KB or more (brotli or gzip, as accepted) with Vary: Accept-Encoding;
 * an answer already encoded, streamed files and everything not JSON pass untouched. A client that
 * accepts no encoding costs nothing here.
 */
export const compressJson: MiddlewareHandler = async (c, next) => {
  await next();
  const encoding = pickEncoding(c.req.header('accept-encoding'));
  if (!encoding || c.req.method === 'HEAD') return;
  const res = c.res;
  if (res.status < 200 || res.status === 204 || res.status === 206 || res.status === 304) return;
  if (res.headers.has('content-encoding') || !res.headers.get('content-type')?.startsWith('application/json')) return;
  const raw = Buffer.from(await res.arrayBuffer());
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  let body: Buffer = raw;
  if (raw.length >= MIN_BYTES) {
    body = await compressText(raw, encoding, 'per-request');
    headers.set('Content-Encoding', encoding);
    headers.set('Vary', 'Accept-Encoding');
    const etag = headers.get('etag');
    if (etag && !etag.startsWith('W/')) headers.set('ETag', `W/${etag}`);
  }
  c.res = undefined;
  c.res = new Response(bytesOf(body), { status: res.status, statusText: res.statusText, headers });
};
