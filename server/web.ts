import type { Context, Hono } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { compressText, pickEncoding, type Encoding } from './lib/compress';
import type { AppEnv } from './lib/http';

interface Asset {
  type: string;
  etag: string;
  cacheControl: string;
  raw: Buffer;
  /** Compressed forms, from the build's .br/.gz files or made once at first use. */
  encoded: Partial<Record<Encoding, Buffer>>;
  compressible: boolean;
}

const TEXT = /^(text\/|application\/(javascript|json|manifest\+json|xml)|image\/svg\+xml)/;
const MIN_COMPRESS_BYTES = 1024;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

function loadAssets(webRoot: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of filesUnder(webRoot)) {
    if (file.endsWith('.br') || file.endsWith('.gz')) continue;
    const urlPath = '/' + relative(webRoot, file).split(sep).join('/');
    if (urlPath.startsWith('/.')) continue;
    const raw = readFileSync(file);
    const type = getMimeType(file) ?? 'application/octet-stream';
    const encoded: Asset['encoded'] = {};
    if (existsSync(`${file}.br`)) encoded.br = readFileSync(`${file}.br`);
    if (existsSync(`${file}.gz`)) encoded.gzip = readFileSync(`${file}.gz`);
    assets.set(urlPath, {
      type,
      etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`,
      // File names under /assets/ carry their content hash: they never change. Anything else is asked for again.
      cacheControl: urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      raw,
      encoded,
      compressible: TEXT.test(type) && raw.length >= MIN_COMPRESS_BYTES,
    });
  }
  return assets;
}

/** Compresses a file the build did not (an older build, a file added by hand) once, off the main thread. */
async function encodeOnce(asset: Asset, encoding: Encoding): Promise<Buffer> {
  const done = asset.encoded[encoding];
  if (done) return done;
  const out = await compressText(asset.raw, encoding);
  asset.encoded[encoding] = out.length < asset.raw.length ? out : asset.raw;
  return asset.encoded[encoding]!;
}

async function send(c: Context<AppEnv>, asset: Asset): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': asset.type, 'Cache-Control': asset.cacheControl, ETag: asset.etag };
  if (asset.compressible) headers.Vary = 'Accept-Encoding';
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === asset.etag)) return c.body(null, 304, headers);
  let body = asset.raw;
  const encoding = asset.compressible ? pickEncoding(c.req.header('accept-encoding')) : null;
  if (encoding) {
    const encoded = await encodeOnce(asset, encoding);
    if (encoded !== asset.raw) {
      body = encoded;
      headers['Content-Encoding'] = encoding;
    }
  }
  headers['Content-Length'] = String(body.length);
  if (c.req.method === 'HEAD') return c.body(null, 200, headers);
  return c.body(new Uint8Array(body.buffer, body.byteOffset, body.length), 200, headers);
}

/**
 * Serves the built web app from memory (a few MB): brotli or gzip as the client accepts (precompressed
 * at build time by vite.config.ts), Vary: Accept-Encoding, an ETag for a 304, hashed assets immutable;
 * unknown non-API paths get index.html (no-cache) so client-side routes load.
 */
export function serveWeb(app: Hono<AppEnv>, webRoot: string): void {
  let assets: Map<string, Asset> | null = null;
  const assetsOf = () => (assets ??= existsSync(webRoot) && statSync(webRoot).isDirectory() ? loadAssets(webRoot) : new Map<string, Asset>());
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const all = assetsOf();
    const asset = all.get(c.req.path);
    if (asset) return send(c, asset);
    // A missing hashed file is a 404, not the app shell (a stale page asking for an old chunk must fail loudly).
    if (c.req.path.startsWith('/assets/')) return next();
    const index = all.get('/index.html');
    if (!index) return next();
    return send(c, index);
  });
}
