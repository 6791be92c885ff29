import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openDb } from '../db/client';
import { createApp } from '../server/app';
import { appConfig } from '../server/config';

// The app as server/main.ts builds it, plus the ceiling for HTTP figures: a bare Hono hello-world
// route in the same process and on the same node server, outside the app's middleware.
const db = openDb({ file: process.env.JIFEN_DB ?? 'data/jifen.db' });
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
