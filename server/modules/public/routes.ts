import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { publicCtxOf, valid, type AppEnv } from '../../lib/http';
import { preparedJson, servePrepared } from '../../lib/preparedJson';
import { IdParam } from '../../lib/params';
import { getHouseholdRank } from './getHouseholdRank';
import { getLeaderboard } from './getLeaderboard';
import { listPublicAreas } from './listPublicAreas';
import { LeaderboardQuery, RankQuery } from './schemas';

export const publicRoutes = new Hono<AppEnv>()
  .get('/public/areas', describeRoute({ tags: ['public'], summary: 'Townships and villages with public boards (no login)' }), async (c) =>
    c.json(await listPublicAreas(publicCtxOf(c)), 200),
  )
  .get(
    '/public/areas/:id/leaderboard',
    describeRoute({ tags: ['public'], summary: 'Conduct-score leaderboard of a village, township or county (no login)' }),
    servePrepared,
    valid('param', IdParam),
    valid('query', LeaderboardQuery),
    async (c) => preparedJson(c, await getLeaderboard(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query'))),
  )
  .get(
    '/public/households/:id/rank',
    describeRoute({ tags: ['public'], summary: "A household's conduct score and rank in its township for a period (no login, no name)" }),
    valid('param', IdParam),
    valid('query', RankQuery),
    async (c) => c.json(await getHouseholdRank(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );
