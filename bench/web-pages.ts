/**
 * `npm run bench:web`: three first visits on a cheap phone with bad signal, as a villager, a clerk and a
 * passer-by scanning a poster make them. Chromium (playwright-core, /usr/bin/chromium) with CDP
 * throttling — 400 ms latency, 400 kbit/s each way, CPU ×4 — and a cold cache (a fresh browser context
 * per visit); each page three times, the median reported. A benchmark, not a timed test.
 *
 *   household page: /me until the balance is on screen (signed in as the demo household)
 *   counter: /counter until the scan button is there (signed in as the demo clerk)
 *   public board: /board/<township> until the first leaderboard row is there (no login)
 *
 * Beside it, when the app had mounted: the balance and the board's first rows are drawn by the server in the
 * HTML (server/web.ts), so those pages are useful well before their scripts have run. The load average is
 * printed with the table: on a shared machine it moves every figure.
 *
 * It builds the web app into a temp directory and starts its own server (seeds/start.ts: the demo county
 * on a temp database), and stops it. Options: --runs N (3), --no-throttle, --config <vite config> (to measure
 * another build against this one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, CDPSession } from 'playwright-core';
import { launchChromium } from '../tests/support/browser';
import { startServer } from '../tests/support/server-process';
import { root } from './data';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'no-throttle': { type: 'boolean', default: false }, config: { type: 'string' } } });
const RUNS = Math.max(1, Number(args.runs));
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' };
const PASSWORD = 'jifen123';

interface Visit {
  ms: number;
  /** When the app had mounted (Vue marks #app with data-v-app): a page drawn by the server is useful before it. */
  mountedMs: number;
  kb: number;
  requests: number;
}

interface Page {
  name: string;
  user: string | null;
  path: (base: string) => Promise<string>;
  /** A CSS selector and a test on its text: the moment the page is useful. */
  ready: { selector: string; text?: string };
}

async function throttle(cdp: CDPSession): Promise<void> {
  if (args['no-throttle']) return;
  const bytesPerSecond = (400 * 1000) / 8;
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: bytesPerSecond, uploadThroughput: bytesPerSecond });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
}

async function visit(browser: Browser, base: string, page: Page): Promise<Visit> {
  const context: BrowserContext = await browser.newContext({ ...PHONE, baseURL: base });
  try {
    if (page.user) {
      // Signed in beforehand (not timed): the visit is a returning user's cold start.
      const res = await context.request.post('/api/auth/login', { data: { username: page.user, password: PASSWORD } });
      if (!res.ok()) throw new Error(`login ${page.user}: ${res.status()}`);
      // The app remembers that this browser signed in (web/src/router.ts).
      await context.addInitScript(() => localStorage.setItem('jifen.signedIn', '1'));
    }
    const tab = await context.newPage();
    if (process.env.DEBUG) {
      tab.on('console', (m) => console.log(`[${page.name}] console ${m.type()}: ${m.text()}`));
      tab.on('pageerror', (e) => console.log(`[${page.name}] error: ${e.message}`));
      const t0 = Date.now();
      tab.on('request', (r) => console.log(`[${page.name}] +${Date.now() - t0} start ${r.url()}`));
      tab.on('requestfinished', (r) => console.log(`[${page.name}] +${Date.now() - t0} done ${r.url()}`));
    }
    const cdp = await context.newCDPSession(tab);
    await cdp.send('Network.enable');
    // A fresh context is a cold cache already; disabling the cache here would also refuse the page's own preloads.
    let bytes = 0;
    let requests = 0;
    cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
      bytes += e.encodedDataLength;
      requests += 1;
    });
    await throttle(cdp);
    // The first moment the page is useful, stamped in the page (ms since navigation start).
    // A string, not a function: tsx would wrap a function's inner names in a helper the page does not have.
    await tab.addInitScript(`(() => {
      const selector = ${JSON.stringify(page.ready.selector)};
      const text = ${JSON.stringify(page.ready.text ?? null)};
      const check = () => {
        if (window.__mountedAt === undefined && document.querySelector('#app[data-v-app]')) window.__mountedAt = performance.now();
        if (window.__readyAt !== undefined) return;
        const el = document.querySelector(selector);
        if (el && (!text || new RegExp(text).test(el.textContent || ''))) window.__readyAt = performance.now();
      };
      new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-v-app'] });
    })();`);
    await tab.goto(await page.path(base), { waitUntil: 'commit' });
    await tab.waitForFunction(() => (window as unknown as { __readyAt?: number }).__readyAt !== undefined, undefined, { timeout: 120_000, polling: 100 });
    const ms = await tab.evaluate(() => (window as unknown as { __readyAt: number }).__readyAt);
    await tab.waitForFunction(() => (window as unknown as { __mountedAt?: number }).__mountedAt !== undefined, undefined, { timeout: 120_000, polling: 100 });
    const mountedMs = await tab.evaluate(() => (window as unknown as { __mountedAt: number }).__mountedAt);
    await tab.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => undefined);
    return { ms, mountedMs, kb: bytes / 1024, requests };
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-bench-web-'));
  const outDir = join(dir, 'web');
  const { build } = await import('vite');
  await build({ configFile: args.config ?? join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await startServer({ entry: 'seeds/start.ts', env: { JIFEN_DB: join(dir, 'demo.db'), JIFEN_WEB_DIR: outDir } });
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    const year = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4);
    const pages: Page[] = [
      { name: 'household page shows the balance', user: 'household', path: async (b) => `${b}/me`, ready: { selector: '[data-test=my-balance]', text: '\\d' } },
      { name: 'counter ready', user: 'clerk', path: async (b) => `${b}/counter`, ready: { selector: '[data-test=open-camera]' } },
      {
        name: 'public board rendered',
        user: null,
        path: async (b) => {
          const areas = (await (await fetch(`${b}/api/public/areas`)).json()) as { items: { id: number; kind: string }[] };
          const town = areas.items.find((a) => a.kind === 'township');
          if (!town) throw new Error('no township in /api/public/areas');
          return `${b}/board/${town.id}?period=${year}`;
        },
        ready: { selector: '[data-test=leaderboard] li' },
      },
    ];
    const rows: string[] = [];
    for (const page of pages) {
      const visits: Visit[] = [];
      for (let r = 0; r < RUNS; r++) visits.push(await visit(browser, server.base, page));
      const ms = visits.map((v) => v.ms);
      const kb = visits.map((v) => v.kb);
      const mounted = visits.map((v) => v.mountedMs);
      const secs = (xs: number[]) => `${(median(xs) / 1000).toFixed(1)} s (${xs.map((x) => (x / 1000).toFixed(1)).join(', ')})`;
      const line = `| ${page.name} | ${secs(ms)} | ${secs(mounted)} | ${median(kb).toFixed(0)} KB in ${median(visits.map((v) => v.requests))} requests |`;
      console.log(line);
      rows.push(line);
    }
    console.log(`\n${args['no-throttle'] ? 'no throttling' : '400 ms latency, 400 kbit/s each way, CPU ×4'}, cold cache, median of ${RUNS}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    console.log('| page | time to useful (median; runs) | app mounted | over the wire |\n|---|---|---|---|\n' + rows.join('\n'));
  } finally {
    await browser?.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
