import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openPgDb } from '../db/client';
import { createApp } from '../server/app';
import { appConfig } from '../server/config';

// bench/server.ts on PostgreSQL: the app as server/main.ts builds it with JIFEN_DATABASE_URL (pools, optional
// replica), plus the hello-world ceiling on the same node server, outside the app's middleware.
const url = process.env.JIFEN_DATABASE_URL;
if (!url) throw new Error('bench/pgServer.ts needs JIFEN_DATABASE_URL');
const db = await openPgDb({
  url,
  readUrl: process.env.JIFEN_DATABASE_READ_URL || null,
  poolSize: Number(process.env.JIFEN_DATABASE_POOL ?? 8),
  dataDir: process.env.JIFEN_BENCH_DATA_DIR ?? 'bench/cache/pg-data',
  // The bench migrated and loaded the database before starting any server.
  migrate: false,
});
const app = createApp({ db, config: await appConfig(db), webRoot: null });
const hello = new Hono().get('/bench/hello', (c) => c.json({ hello: 'world' }));

serve(
  {
    fetch: (req, env) => (req.url.endsWith('/bench/hello') ? hello.fetch(req, env) : app.fetch(req, env)),
    port: 0,
    hostname: '127.0.0.1',
  },
  (info) => process.send?.({ port: info.port }),
);
process.on('disconnect', () => process.exit(0));
