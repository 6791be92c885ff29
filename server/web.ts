import type { Context, Hono } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { householdById } from '../db/households/households';
import { bytesOf, compressText, pickEncoding, type Encoding } from './lib/compress';
import { publicCtxOf, type AppEnv } from './lib/http';
import { sessionMiddleware } from './lib/session';
import { getLeaderboard, type Leaderboard } from './modules/public/getLeaderboard';
import { LeaderboardQuery } from './modules/public/schemas';

interface ManifestChunk {
  file: string;
  css?: string[];
  imports?: string[];
}

/**
 * The pages a phone most often opens first, by URL, and the module each loads (as web/src/router.ts
 * has them). With the HTML it is told to fetch that page's code at once, instead of after the entry
 * script has run; a path not listed (or a module renamed) simply gets no hint.
 */
const FIRST_PAGES: Array<[RegExp, string]> = [
  [/^\/me\/?$/, 'src/modules/households/HouseholdPhonePage.vue'],
  [/^\/counter\/?$/, 'src/modules/counter/CounterPage.vue'],
  [/^\/board(\/|$)/, 'src/modules/public/PublicBoardPage.vue'],
  [/^\/public\/areas\//, 'src/modules/boards/PublicAreaBoardsPage.vue'],
  [/^\/public\/publications\//, 'src/modules/boards/PublicPublicationPage.vue'],
  [/^\/login\/?$/, 'src/modules/auth/AuthLoginPage.vue'],
];

function readManifest(webRoot: string): Record<string, ManifestChunk> {
  try {
    return JSON.parse(readFileSync(join(webRoot, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  } catch {
    return {};
  }
}

/** <link> tags for a page's module and its static imports (the entry's own are in index.html already). */
function pageHints(manifest: Record<string, ManifestChunk>, source: string, inIndex: string): string {
  const js = new Set<string>();
  const css = new Set<string>();
  const walk = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || js.has(chunk.file)) return;
    js.add(chunk.file);
    for (const f of chunk.css ?? []) css.add(f);
    for (const imp of chunk.imports ?? []) walk(imp);
  };
  walk(source);
  const tags = [...js].filter((f) => !inIndex.includes(`/${f}"`)).map((f) => `<link rel="modulepreload" crossorigin href="/${f}">`);
  // A stylesheet, not a preload: the router's loader looks for <link rel=stylesheet> before adding its own, and a
  // preload (fetched without CORS, while the loader's link asks with it) was downloaded a second time on the phone.
  for (const f of css) if (!inIndex.includes(`/${f}"`)) tags.push(`<link rel="stylesheet" crossorigin href="/${f}">`);
  return tags.join('');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The household's balance in the first HTML, drawn like the page's own header and balance card: on a cheap phone
 * on bad signal it shows about three seconds before the scripts have arrived and run; the app replaces it when it
 * mounts. Chinese only (the language choice lives in the browser's storage); the app shows the chosen one.
 */
function balanceShell(headName: string, balance: number): string {
  const style =
    '.jf-boot{max-width:760px;margin:0 auto;font-family:system-ui,sans-serif}' +
    '.jf-boot__top{background:#c0392b;color:#fff;padding:10px 12px;font-size:1.15em;font-weight:700;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}' +
    '.jf-boot__card{margin:12px;background:linear-gradient(135deg,#d9473a,#a8281c);color:#fff;border-radius:16px;padding:16px 20px;text-align:center}' +
    '.jf-boot__value{font-size:48px;font-weight:800;line-height:1.1;font-variant-numeric:tabular-nums}';
  return (
    `<style>${style}</style><div class="jf-boot" aria-busy="true"><header class="jf-boot__top">${escapeHtml(headName)}</header>` +
    `<section class="jf-boot__card"><div>我的可用积分</div><div class="jf-boot__value" data-test="my-balance">${Math.trunc(balance)}</div><div>分</div></section></div>`
  );
}

/** The board page's first screen of rows, as the app draws them (PublicBoardPage.vue, 50 a screen). */
const BOARD_FIRST_ROWS = 50;
const BOARD_LIMIT = 500;

/**
 * The public board's first rows in the first HTML, drawn like the page's header, title and list: a villager
 * who scans a poster on bad signal reads the board when the HTML arrives, ~3 s before the scripts have run;
 * the app replaces it when it mounts, from the same answer (named to the browser as an early fetch). Public,
 * masked data only, the same the JSON route gives; every text escaped; styles inline (the CSP allows no
 * inline script). Chinese, like the balance shell.
 */
function boardShell(board: Leaderboard): string {
  const style =
    '.jf-boot{min-height:100vh;background:#fff8f0;font-family:system-ui,sans-serif}' +
    '.jf-boot__top{background:#c0392b;color:#fff;padding:8px 16px;font-weight:700}' +
    '.jf-boot__main{max-width:760px;margin:0 auto;padding:16px}' +
    '.jf-boot__title{text-align:center;color:#c0392b;font-size:1.9em;margin:8px 0 0;letter-spacing:.1em}' +
    '.jf-boot__sub{text-align:center;color:#6b7280;margin:4px 0 16px}' +
    '.jf-boot ol{list-style:none;padding:0;margin:0}' +
    '.jf-boot li{display:grid;grid-template-columns:48px 1fr auto auto;gap:12px;align-items:center;padding:10px 14px;background:#fff;border:1px solid #f1e0d0;border-radius:10px;margin-bottom:6px;font-size:1.15em}' +
    '.jf-boot__no{width:36px;height:36px;border-radius:50%;display:inline-flex;align-items:center;justify-content:center;background:#eee;font-weight:700}' +
    '.jf-boot__v{color:#6b7280;font-size:.85em}.jf-boot__p{color:#c0392b;font-weight:800;font-variant-numeric:tabular-nums}';
  const period = board.period.length === 4 ? `${board.period} 年` : `${board.period.slice(0, 4)} 年 ${Number(board.period.slice(5, 7))} 月`;
  const rows = board.items
    .slice(0, BOARD_FIRST_ROWS)
    .map(
      (r) =>
        `<li><span class="jf-boot__no">${Math.trunc(r.rank)}</span><b>${escapeHtml(r.name)}</b><span class="jf-boot__v">${escapeHtml(r.village)}</span><span class="jf-boot__p">${escapeHtml(String(r.points))}分</span></li>`,
    )
    .join('');
  return (
    `<style>${style}</style><div class="jf-boot" aria-busy="true"><header class="jf-boot__top">文明积分</header><main class="jf-boot__main">` +
    `<h1 class="jf-boot__title">${escapeHtml(board.area.name)}积分榜</h1><p class="jf-boot__sub">${escapeHtml(period)} · 按表现积分排名，兑换商品不影响排名</p>` +
    (rows ? `<ol data-test="leaderboard">${rows}</ol>` : '<p class="jf-boot__sub">本时段还没有积分</p>') +
    '</main></div>'
  );
}

/** The board a /board/<id>?period=… URL shows (the app's own default period: this year in China), or null. */
function boardRequest(c: Context<AppEnv>): { areaId: number; query: LeaderboardQuery; url: string } | null {
  const id = /^\/board\/(\d{1,9})\/?$/.exec(c.req.path)?.[1];
  if (!id) return null;
  const wanted = c.req.query('period');
  const deps = c.get('deps');
  const year = (deps.now ? deps.now() : new Date()).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4);
  const period = wanted && /^\d{4}(-\d{2})?$/.test(wanted) ? wanted : year;
  const parsed = LeaderboardQuery.safeParse({ period, limit: BOARD_LIMIT, offset: 0 });
  if (!parsed.success) return null;
  // The URL the app asks (web/src/modules/public/use-public.ts), so the early fetch is the one it uses.
  return { areaId: Number(id), query: parsed.data, url: `/api/public/areas/${id}/leaderboard?period=${encodeURIComponent(period)}&limit=${BOARD_LIMIT}` };
}

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

async function send(c: Context<AppEnv>, asset: Asset, page?: { cacheControl: string; vary: string }): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': asset.type, 'Cache-Control': page?.cacheControl ?? asset.cacheControl, ETag: asset.etag };
  const vary = [page?.vary, asset.compressible ? 'Accept-Encoding' : undefined].filter(Boolean).join(', ');
  if (vary) headers.Vary = vary;
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
  return c.body(bytesOf(body), 200, headers);
}

/**
 * Serves the built web app from memory (a few MB): brotli or gzip as the client accepts (precompressed
 * at build time by vite.config.ts), Vary: Accept-Encoding, an ETag for a 304, hashed assets immutable;
 * unknown non-API paths get index.html (no-cache) so client-side routes load. The HTML of a page a
 * phone opens first names that page's chunks; to a signed-in browser it also names the session
 * (/api/auth/me) and, on the household's own page, its household, so those requests leave with the
 * scripts rather than after them. A visitor without a session cookie is never sent to /api/auth/me.
 */
export function serveWeb(app: Hono<AppEnv>, webRoot: string): void {
  let assets: Map<string, Asset> | null = null;
  let manifest: Record<string, ManifestChunk> | null = null;
  const hintsByPage = new Map<string, string>();
  const session = sessionMiddleware();
  const assetsOf = () => (assets ??= existsSync(webRoot) && statSync(webRoot).isDirectory() ? loadAssets(webRoot) : new Map<string, Asset>());

  const pageHtml = async (c: Context<AppEnv>, index: Asset): Promise<Asset> => {
    const html = index.raw.toString('utf8');
    const source = FIRST_PAGES.find(([pattern]) => pattern.test(c.req.path))?.[1];
    let hints = '';
    let early = '';
    let shell = '';
    if (source) {
      manifest ??= readManifest(webRoot);
      let cached = hintsByPage.get(source);
      if (cached === undefined) hintsByPage.set(source, (cached = pageHints(manifest, source, html)));
      hints += cached;
    }
    if (source?.includes('PublicBoardPage')) {
      const wanted = boardRequest(c);
      if (wanted) {
        try {
          const board = await getLeaderboard(publicCtxOf(c), wanted.areaId, wanted.query);
          shell = boardShell(board);
          early += `<link rel="preload" as="fetch" crossorigin="use-credentials" href="${escapeHtml(wanted.url)}">`;
        } catch {
          // An unknown area or a bad period: the app says so itself.
        }
      }
    }
    if (c.req.header('cookie')) {
      await session(c, async () => undefined);
      const actor = c.get('actor');
      if (actor) {
        // First in <head>: tiny answers that should not queue behind the scripts for one of the six connections.
        early += '<link rel="preload" as="fetch" crossorigin="use-credentials" href="/api/auth/me">';
        if (actor.role === 'household' && actor.householdId && source?.includes('HouseholdPhonePage')) {
          early += `<link rel="preload" as="fetch" crossorigin="use-credentials" href="/api/households/${actor.householdId}">`;
          // Whose balance: the session's household, never an id from the request.
          const own = await householdById(c.get('deps').db, actor.householdId);
          if (own) shell = balanceShell(own.headName, own.balance);
        }
      }
    }
    if (!hints && !early && !shell) return index;
    const raw = Buffer.from(
      html
        // Replacer functions: a household named "$`" must not splice the page's own text in (`$` patterns).
        .replace(/<head>/i, () => `<head>${early}`)
        .replace('</head>', () => `${hints}</head>`)
        .replace('<div id="app"></div>', () => `<div id="app">${shell}</div>`),
    );
    return { ...index, raw, encoded: {}, etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`, compressible: raw.length >= MIN_COMPRESS_BYTES };
  };

  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const all = assetsOf();
    const asset = all.get(c.req.path);
    if (asset && c.req.path !== '/index.html') return send(c, asset);
    // A missing hashed file is a 404, not the app shell (a stale page asking for an old chunk must fail loudly).
    if (c.req.path.startsWith('/assets/')) return next();
    const index = all.get('/index.html');
    if (!index) return next();
    const page = await pageHtml(c, index);
    // Who is asking shapes the hints: no shared cache may hand one visitor's page to another.
    return send(c, page, { cacheControl: 'private, no-cache', vary: 'Cookie' });
  });
}
