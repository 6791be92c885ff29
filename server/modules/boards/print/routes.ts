import { Hono, type Context } from 'hono';
import { shanghaiDay } from '../../../../db/time';
import { publicCtxOf, valid, type AppEnv } from '../../../lib/http';
import { IdParam } from '../../../lib/params';
import { BoardQuery, KindAreaParam, YearQuery } from '../schemas';
import type { Html } from './layout';
import { printDonations, printHonourRoll, printLive, printNotices, printPlaque, printPublication, printPublished, printVillagePlaques, type Printed } from './printPages';

const origin = (c: Context<AppEnv>) => new URL(c.req.url).origin;
const search = (c: Context<AppEnv>) => new URL(c.req.url).search;
const thisYear = (c: Context<AppEnv>) => shanghaiDay(publicCtxOf(c).now.getTime()).slice(0, 4);
const send = async (c: Context<AppEnv>, printed: Promise<Printed>) => {
  const p = await printed;
  return c.html((await p.page) as Html, p.status);
};

/** A4 print layouts of every board and notice (server-rendered HTML, no login, read-only). */
export const printRoutes = new Hono<AppEnv>()
  .get('/publications/:id', valid('param', IdParam), (c) => send(c, printPublication(publicCtxOf(c), c.req.valid('param').id, origin(c))))
  .get('/areas/:id/notices', valid('param', IdParam), (c) => send(c, printNotices(publicCtxOf(c), c.req.valid('param').id, origin(c))))
  .get('/areas/:id/donations', valid('param', IdParam), valid('query', YearQuery), (c) =>
    send(c, printDonations(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query').year, origin(c))),
  )
  .get('/areas/:id/honour-roll', valid('param', IdParam), valid('query', YearQuery), (c) =>
    send(c, printHonourRoll(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query').year, origin(c))),
  )
  .get('/areas/:id/plaques', valid('param', IdParam), valid('query', YearQuery), (c) =>
    send(c, printVillagePlaques(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query').year ?? thisYear(c), origin(c))),
  )
  .get('/households/:id/plaque', valid('param', IdParam), valid('query', YearQuery), (c) =>
    send(c, printPlaque(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query').year ?? thisYear(c), origin(c))),
  )
  .get('/areas/:id/:kind', valid('param', KindAreaParam), valid('query', BoardQuery), (c) => {
    const { id, kind } = c.req.valid('param');
    const ctx = publicCtxOf(c);
    if (kind === 'leaderboard' || kind === 'villages') return send(c, printLive(ctx, kind, id, c.req.valid('query'), origin(c), search(c)));
    return send(c, printPublished(ctx, kind, id, c.req.valid('query').period, origin(c)));
  });
