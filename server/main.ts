import { serve } from '@hono/node-server';
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isEmptyDatabase } from '../db/bootstrap';
import { closeDb, dbFileName, openDb, openPgDb, type Db } from '../db/client';
import { evidenceDirFor } from '../db/evidence/files';
import { createApp } from './app';
import { bootstrapCounty, BootstrapRefused, MIN_ADMIN_PASSWORD } from './cli/bootstrap';
import { appConfig, applyCountyNumberSetting, DatabaseConfigError, readServerEnv, type ServerEnv } from './config';
import { CheckpointKeyError } from './lib/checkpointKey';
import type { AppConfig } from './lib/context';
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

export interface StartServerOptions {
  /** Port, database file, admin password (default: from the environment, see `readServerEnv`). */
  env?: ServerEnv;
  /**
   * Fills an empty database before the server serves anything (seeds/start.ts loads the demo county
   * here). Without it, an empty database gets one county and `admin` with JIFEN_ADMIN_PASSWORD.
   */
  onEmptyDatabase?: (db: Db, config: AppConfig) => Promise<void>;
  /** Stop on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

export interface RunningServer {
  db: Db;
  port: number;
  /** Stops the scheduler (waiting for a tick in progress), the listener, then closes the database. */
  close(): Promise<void>;
}

/** Opens (and migrates) the database, sets up an empty one, then serves the API, the web app and the scheduler. */
export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const env = opts.env ?? readServerEnv();
  const started = Date.now();
  // With JIFEN_DATABASE_URL no SQLite file is opened or made; photos and the checkpoint key live in the
  // folder JIFEN_DB names (data/ by default).
  const db = env.database
    ? await openPgDb({ url: env.database.url, readUrl: env.database.readUrl, poolSize: env.database.poolSize, dataDir: dirname(resolve(env.dbFile)) })
    : openDb({ file: env.dbFile });
  const where = env.database ? `PostgreSQL ${describeDatabase(env.database.url)}${env.database.readUrl ? ' + replica' : ''}` : `db ${env.dbFile}`;
  try {
    await applyCountyNumberSetting(db, env.countyNumber);
    const config = { ...(await appConfig(db)), evidenceDir: evidenceDirFor(dbFileName(db)) };
    if (await isEmptyDatabase(db)) {
      if (opts.onEmptyDatabase) await opts.onEmptyDatabase(db, config);
      else {
        if (!env.adminPassword || env.adminPassword.length < MIN_ADMIN_PASSWORD) {
          throw new BootstrapRefused(
            `an empty database needs JIFEN_ADMIN_PASSWORD (at least ${MIN_ADMIN_PASSWORD} characters) for the admin account; or start with the demo county: npm start`,
          );
        }
        try {
          await bootstrapCounty(db, { adminPassword: env.adminPassword, scryptN: config.scryptN });
          console.log('[jifen] empty database: created the county and the account admin');
        } catch (err) {
          // A second server starting on the same new file lost the race: the county is there, serve it.
          if (!(err instanceof BootstrapRefused) || (await isEmptyDatabase(db))) throw err;
        }
      }
    }
    // JIFEN_WEB_DIR serves a prebuilt copy as is (tests use a private build so a rebuild elsewhere cannot disturb them).
    const webDir = process.env.JIFEN_WEB_DIR;
    const webRoot = process.env.JIFEN_NO_WEB === '1' ? null : webDir ? resolve(webDir) : await ensureWebBuilt();
    const app = createApp({ db, config, webRoot });
    const scheduler = startScheduler(db, config);
    const server = await new Promise<ReturnType<typeof serve>>((ok) => {
      const s = serve({ fetch: app.fetch, port: env.port, hostname: process.env.HOST ?? '0.0.0.0' }, (info) => {
        console.log(`[jifen] listening on http://localhost:${info.port} (${where}, ready in ${Date.now() - started} ms)`);
        ok(s);
      });
    });
    const port = (server.address() as AddressInfo).port;
    let closing: Promise<void> | null = null;
    const close = () =>
      (closing ??= (async () => {
        await scheduler.stop();
        await new Promise<void>((ok) => server.close(() => ok()));
        await closeDb(db);
      })());
    if (opts.handleSignals ?? true) {
      const shutdown = () => {
        // Keep-alive connections may hold the listener open; the database is safe either way (WAL).
        setTimeout(() => process.exit(0), 3000).unref();
        void close().then(() => process.exit(0));
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    }
    return { db, port, close };
  } catch (err) {
    await closeDb(db);
    throw err;
  }
}

/** Where a PostgreSQL URL points, without its password. */
function describeDatabase(url: string): string {
  const u = new URL(url);
  return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}

/** The exit code of a failed start: 2 for a database configuration it cannot run with, else 1. */
export function entryExitCode(err: unknown): number {
  return err instanceof DatabaseConfigError ? 2 : 1;
}

/** Runs `start` as a process entry: a refusal is one line on stderr, anything else its stack; exit code from `entryExitCode`. */
export function runEntry(start: () => Promise<unknown>): void {
  start().catch((err: unknown) => {
    const refusal = err instanceof BootstrapRefused || err instanceof CheckpointKeyError || err instanceof DatabaseConfigError;
    console.error(refusal ? `[jifen] ${err.message}` : err);
    process.exit(entryExitCode(err));
  });
}

// `tsx server/main.ts`: the server alone, no demo data (npm start runs seeds/start.ts, which adds the demo).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runEntry(() => startServer());
