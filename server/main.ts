import { serve } from '@hono/node-server';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDb } from '../db/client';
import { isEmptyDatabase } from '../db/bootstrap';
import { bootstrapCounty } from '../seeds/bootstrap';
import { seedDemoCounty } from '../seeds/demo';
import { createApp } from './app';
import { appConfig, readServerEnv } from './config';
import { startScheduler } from './scheduler';

const root = resolve(import.meta.dirname, '..');
const webDist = join(root, 'dist', 'web');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** `npm start` builds the web app only when the sources are newer than the last build. */
async function ensureWebBuilt(): Promise<string | null> {
  const index = join(webDist, 'index.html');
  const webSrc = join(root, 'web');
  if (!existsSync(webSrc)) return existsSync(index) ? webDist : null;
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(webSrc)) return webDist;
  console.log('[jifen] building the web app ...');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  return webDist;
}

async function main() {
  const env = readServerEnv();
  const started = Date.now();
  const db = openDb({ file: env.dbFile });
  const config = appConfig(db);
  if (isEmptyDatabase(db)) {
    if (env.demo) {
      console.log('[jifen] empty database: loading the demo county ...');
      await seedDemoCounty(db, { scryptN: config.scryptN });
    } else {
      if (!env.adminPassword || env.adminPassword.length < 8) {
        console.error('[jifen] JIFEN_DEMO=0 on an empty database needs JIFEN_ADMIN_PASSWORD (at least 8 characters) for the admin account.');
        process.exit(1);
      }
      await bootstrapCounty(db, { adminPassword: env.adminPassword, scryptN: config.scryptN });
    }
  }
  // JIFEN_WEB_DIR serves a prebuilt copy as is (tests use a private build so a rebuild elsewhere cannot disturb them).
  const webDir = process.env.JIFEN_WEB_DIR;
  const webRoot = process.env.JIFEN_NO_WEB === '1' ? null : webDir ? resolve(webDir) : await ensureWebBuilt();
  const app = createApp({ db, config, webRoot });
  const stopScheduler = startScheduler(db, config);
  const server = serve({ fetch: app.fetch, port: env.port, hostname: process.env.HOST ?? '0.0.0.0' }, (info) => {
    console.log(`[jifen] listening on http://localhost:${info.port} (db ${env.dbFile}, ready in ${Date.now() - started} ms)`);
  });
  const shutdown = () => {
    stopScheduler();
    server.close(() => {
      db.$client.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
