import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { managerRoles, reviewerRoles } from '../../lib/roles';
import { IdParam } from '../../lib/params';
import { decideListing } from './decideListing';
import { listListings } from './listListings';
import { myListings } from './myListings';
import { proposeListing } from './proposeListing';
import { proposeRemoval } from './proposeRemoval';
import { DecisionBody, ListListingsQuery, ProposeListingBody, RemovalBody } from './schemas';

const proposers = managerRoles;
const deciders = reviewerRoles;

export const creditRoutes = new Hono<AppEnv>()
  .get('/dishonesty', describeRoute({ tags: ['credit'], summary: 'Dishonesty list (失信名单) entries' }), allow(...proposers, 'reviewer'), valid('query', ListListingsQuery), async (c) =>
    c.json(await listListings(ctxOf(c), c.req.valid('query')), 200),
  )
  .get('/dishonesty/mine', describeRoute({ tags: ['credit'], summary: 'The signed-in household’s own record on the dishonesty list' }), allow('household'), async (c) =>
    c.json(await myListings(ctxOf(c)), 200),
  )
  .post('/dishonesty', describeRoute({ tags: ['credit'], summary: 'Propose listing a household' }), allow(...proposers), valid('json', ProposeListingBody), async (c) =>
    c.json(await proposeListing(ctxOf(c), c.req.valid('json')), 201),
  )
  .post(
    '/dishonesty/:id/decision',
    describeRoute({ tags: ['credit'], summary: 'Approve or reject a proposed listing or removal' }),
    allow(...deciders),
    valid('param', IdParam),
    valid('json', DecisionBody),
    async (c) => c.json(await decideListing(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .post(
    '/dishonesty/:id/removal',
    describeRoute({ tags: ['credit'], summary: 'Propose removing a listed household' }),
    allow(...proposers),
    valid('param', IdParam),
    valid('json', RemovalBody),
    async (c) => c.json(await proposeRemoval(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason), 200),
  );
