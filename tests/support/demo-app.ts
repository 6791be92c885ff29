import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser';
import { startServer, type ServerProcess } from './server-process';
import { buildWebInto } from './web-build';

export interface DemoApp {
  /** The test's own temp directory (database, web build; anything else the test writes). */
  tmp: string;
  server: ServerProcess;
  base: string;
  browser: Browser;
  /** Closes Chromium, stops the server's process group and removes the temp directory. */
  stop(): Promise<void>;
}

/**
 * What a browser test stands on: the demo county loaded into a fresh database by `npm start`'s entry
 * (seeds/start.ts), a production web build of its own, and one Chromium. Call it in `beforeAll`, `stop()` in `afterAll`.
 */
export async function startDemoApp(name: string): Promise<DemoApp> {
  const tmp = mkdtempSync(join(tmpdir(), `jifen-${name}-`));
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const webDir = await buildWebInto(join(tmp, 'web'));
    server = await startServer({ env: { JIFEN_DB: join(tmp, 'demo.db'), JIFEN_WEB_DIR: webDir, JIFEN_DEMO: '1' }, entry: 'seeds/start.ts' });
    browser = await launchChromium();
    return { tmp, server, base: server.base, browser, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
