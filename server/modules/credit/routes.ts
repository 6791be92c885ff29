import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { managerRoles, reviewerRoles } from '../../lib/roles';
import { IdParam } from '../../lib/params';
import { decideListing } from './decideListing';
import { listListings } from './listListings';
import { myListings } from './myListings';
import { proposeListing } from './proposeListing';
import { proposeRemoval } from './proposeRemoval';
import { ListingAnswer, ListingDecisionAnswer, ListingListAnswer, MyListingsAnswer, RemovalProposedAnswer } from './responses';
import { DecisionBody, ListListingsQuery, ProposeListingBody, RemovalBody } from './schemas';

const proposers = managerRoles;
const deciders = reviewerRoles;

export const creditRoutes = new Hono<AppEnv>()
  .get('/dishonesty', describeRoute(doc({ tags: ['credit'], zh: '失信名单记录', en: 'Dishonesty list (失信名单) entries', ok: { status: 200, schema: ListingListAnswer }, errors: ['not_found'] })), allow(...proposers, 'reviewer'), valid('query', ListListingsQuery), async (c) =>
    c.json(answer(ListingListAnswer, await listListings(ctxOf(c), c.req.valid('query'))), 200),
  )
  .get('/dishonesty/mine', describeRoute(doc({ tags: ['credit'], zh: '本户在失信名单上的记录', en: 'The signed-in household’s own record on the dishonesty list', noInput: true, ok: { status: 200, schema: MyListingsAnswer } })), allow('household'), async (c) =>
    c.json(answer(MyListingsAnswer, await myListings(ctxOf(c))), 200),
  )
  .post('/dishonesty', describeRoute(doc({ tags: ['credit'], zh: '提议将农户列入失信名单', en: 'Propose listing a household', ok: { status: 201, schema: ListingAnswer }, errors: ['listing_exists', 'not_found'] })), allow(...proposers), valid('json', ProposeListingBody), async (c) =>
    c.json(answer(ListingAnswer, await proposeListing(ctxOf(c), c.req.valid('json'))), 201),
  )
  .post(
    '/dishonesty/:id/decision',
    describeRoute(doc({ tags: ['credit'], zh: '审核列入或移出失信名单的提议', en: 'Approve or reject a proposed listing or removal', ok: { status: 200, schema: ListingDecisionAnswer }, errors: ['invalid_status', 'not_found', 'own_proposal'] })),
    allow(...deciders),
    valid('param', IdParam),
    valid('json', DecisionBody),
    async (c) => c.json(answer(ListingDecisionAnswer, await decideListing(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  )
  .post(
    '/dishonesty/:id/removal',
    describeRoute(doc({ tags: ['credit'], zh: '提议将农户移出失信名单', en: 'Propose removing a listed household', ok: { status: 200, schema: RemovalProposedAnswer }, errors: ['invalid_status', 'not_found'] })),
    allow(...proposers),
    valid('param', IdParam),
    valid('json', RemovalBody),
    async (c) => c.json(answer(RemovalProposedAnswer, await proposeRemoval(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason)), 200),
  );
