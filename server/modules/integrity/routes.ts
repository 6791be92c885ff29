import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { publicCtxOf, type AppEnv } from '../../lib/http';
import { getChainHead } from './getChainHead';

export const integrityRoutes = new Hono<AppEnv>().get(
  '/public/chain-head',
  describeRoute({ tags: ['public'], summary: 'Head of every village ledger chain (no login)' }),
  async (c) => c.json(await getChainHead(publicCtxOf(c)), 200),
);
