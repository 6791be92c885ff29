import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { publicCtxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { getLeaderboard } from './getLeaderboard';
import { LeaderboardQuery } from './schemas';

export const publicRoutes = new Hono<AppEnv>().get(
  '/public/areas/:id/leaderboard',
  describeRoute({ tags: ['public'], summary: 'Conduct-score leaderboard of a village, township or county (no login)' }),
  valid('param', IdParam),
  valid('query', LeaderboardQuery),
  (c) => c.json(getLeaderboard(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query')), 200),
);
