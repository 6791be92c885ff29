import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import { doc, html } from '../../../lib/apiDoc';
import { shanghaiDay } from '../../../../db/time';
import { publicCtxOf, valid, type AppEnv } from '../../../lib/http';
import { IdParam, Period } from '../../../lib/params';
import { BoardQuery, KindAreaParam, YearQuery } from '../schemas';
import { cachedPage } from './printCache';
import { printDonations, printHonourRoll, printLive, printNotices, printPlaque, printPublication, printPublished, printVillagePlaques, type Printed } from './printPages';

const origin = (c: Context<AppEnv>) => new URL(c.req.url).origin;
const thisYear = (c: Context<AppEnv>) => shanghaiDay(publicCtxOf(c).now.getTime()).slice(0, 4);
const thisMonth = (c: Context<AppEnv>) => shanghaiDay(publicCtxOf(c).now.getTime()).slice(0, 7);
/** A printed board's period may be left out (a link typed by hand): it is then this month's, shown as a page, not a JSON error. */
const PrintBoardQuery = BoardQuery.extend({ period: Period.optional() });

/** The validated query, written back in a fixed order: junk parameters neither reach a QR code nor split the cache. */
const canonicalSearch = (q: Record<string, unknown>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
};

/** `page` names the page and every parameter it is rendered from (the origin is added here). */
const send = async (c: Context<AppEnv>, page: string, render: (ctx: ReturnType<typeof publicCtxOf>, origin: string) => Promise<Printed>) => {
  const ctx = publicCtxOf(c);
  const o = origin(c);
  const printed = await cachedPage(ctx, `${o}|${page}`, () => render(ctx, o));
  return c.body(printed.body, printed.status, { 'content-type': 'text/html; charset=UTF-8' });
};

const printDoc = (zh: string, en: string) =>
  doc({
    tags: ['print'],
    zh,
    en,
    access: 'public',
    ok: { status: 200, binary: html('An A4 page to print (HTML, UTF-8), with a QR code back to the live page') },
    pages: { 404: html('A page saying that this board is not published yet') },
    errors: ['not_found'],
  });

/** A4 print layouts of every board and notice (server-rendered HTML, no login, read-only, cached until the data changes). */
export const printRoutes = new Hono<AppEnv>()
  .get('/publications/:id', describeRoute(printDoc('打印：已发布的榜单', 'Print: a published board')), valid('param', IdParam), (c) => {
    const { id } = c.req.valid('param');
    return send(c, `publication|${id}`, (ctx, o) => printPublication(ctx, id, o));
  })
  .get('/areas/:id/notices', describeRoute(printDoc('打印：公示栏', 'Print: the notice board')), valid('param', IdParam), (c) => {
    const { id } = c.req.valid('param');
    return send(c, `notices|${id}`, (ctx, o) => printNotices(ctx, id, o));
  })
  .get('/areas/:id/donations', describeRoute(printDoc('打印：爱心捐赠榜', 'Print: the donations board')), valid('param', IdParam), valid('query', YearQuery), (c) => {
    const { id } = c.req.valid('param');
    const { year } = c.req.valid('query');
    return send(c, `donations|${id}|${year ?? ''}`, (ctx, o) => printDonations(ctx, id, year, o));
  })
  .get('/areas/:id/honour-roll', describeRoute(printDoc('打印：光荣榜', 'Print: the honour roll')), valid('param', IdParam), valid('query', YearQuery), (c) => {
    const { id } = c.req.valid('param');
    const { year } = c.req.valid('query');
    return send(c, `honour-roll|${id}|${year ?? ''}`, (ctx, o) => printHonourRoll(ctx, id, year, o));
  })
  .get('/areas/:id/plaques', describeRoute(printDoc('打印：全村的星级户门牌', 'Print: the star plaques of a village')), valid('param', IdParam), valid('query', YearQuery), (c) => {
    const { id } = c.req.valid('param');
    const year = c.req.valid('query').year ?? thisYear(c);
    return send(c, `plaques|${id}|${year}`, (ctx, o) => printVillagePlaques(ctx, id, year, o));
  })
  .get('/households/:id/plaque', describeRoute(printDoc('打印：一户的星级门牌', "Print: one household's star plaque")), valid('param', IdParam), valid('query', YearQuery), (c) => {
    const { id } = c.req.valid('param');
    const year = c.req.valid('query').year ?? thisYear(c);
    return send(c, `plaque|${id}|${year}`, (ctx, o) => printPlaque(ctx, id, year, o));
  })
  .get('/areas/:id/:kind', describeRoute(printDoc('打印：排行榜或已发布的红黑榜', 'Print: a live ranking or a published board')), valid('param', KindAreaParam), valid('query', PrintBoardQuery), (c) => {
    const { id, kind } = c.req.valid('param');
    const q = { ...c.req.valid('query'), period: c.req.valid('query').period ?? thisMonth(c) };
    if (kind === 'leaderboard' || kind === 'villages') {
      const search = canonicalSearch(q);
      return send(c, `${kind}|${id}|${search}`, (ctx, o) => printLive(ctx, kind, id, q, o, search));
    }
    return send(c, `${kind}|${id}|${q.period}`, (ctx, o) => printPublished(ctx, kind, id, q.period, o));
  });
