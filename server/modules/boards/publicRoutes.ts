import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { publicCtxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { preparedJson, servePrepared } from '../../lib/preparedJson';
import { getPublicHouseholdStars } from './getHouseholdStars';
import { getLiveBoard } from './getLiveBoard';
import { getPublicPublication, getPublishedBoard } from './getPublishedBoard';
import { getHonourRoll, listDonations } from './listDonations';
import { listNotices } from './listNotices';
import { BoardQuery, DonationsQuery, KindAreaParam, PublishedQuery, YearQuery } from './schemas';

const tags = ['public'];
const LiveKindParam = z.object({ kind: z.enum(['leaderboard', 'villages']), id: IdParam.shape.id });

/** Boards anyone can read without logging in: masked names, never a phone or ID number. */
export const boardPublicRoutes = new Hono<AppEnv>()
  .get('/public/areas/:id/published/:kind', describeRoute({ tags, summary: 'Latest published board of an area and period, with its versions' }), servePrepared, valid('param', KindAreaParam), valid('query', PublishedQuery), async (c) => {
    const { kind, id } = c.req.valid('param');
    return preparedJson(c, await getPublishedBoard(publicCtxOf(c), kind, id, c.req.valid('query').period));
  })
  .get('/public/publications/:id', describeRoute({ tags, summary: 'One published board version, with its hash check' }), servePrepared, valid('param', IdParam), async (c) =>
    preparedJson(c, await getPublicPublication(publicCtxOf(c), c.req.valid('param').id)),
  )
  .get('/public/areas/:id/live/:kind', describeRoute({ tags, summary: 'Leaderboard (optionally by category) or village comparison, computed now' }), valid('param', LiveKindParam), valid('query', BoardQuery), async (c) => {
    const { kind, id } = c.req.valid('param');
    return c.json(await getLiveBoard(publicCtxOf(c), kind, id, c.req.valid('query')), 200);
  })
  .get('/public/areas/:id/notices', describeRoute({ tags, summary: 'Awards on public notice (公示), per village' }), valid('param', IdParam), async (c) =>
    c.json(await listNotices(publicCtxOf(c), c.req.valid('param').id), 200),
  )
  .get('/public/areas/:id/donations', describeRoute({ tags, summary: 'Donation disclosure with where donated goods went' }), valid('param', IdParam), valid('query', DonationsQuery), async (c) =>
    c.json(await listDonations(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query')), 200),
  )
  .get('/public/areas/:id/honour-roll', describeRoute({ tags, summary: 'Enterprise and organisation honour roll (企业扶贫光荣榜)' }), valid('param', IdParam), valid('query', YearQuery), async (c) =>
    c.json(await getHonourRoll(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query').year), 200),
  )
  .get('/public/households/:id/stars', describeRoute({ tags, summary: "A household's published stars (public star page)" }), valid('param', IdParam), valid('query', YearQuery), async (c) =>
    c.json(await getPublicHouseholdStars(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query').year), 200),
  );
