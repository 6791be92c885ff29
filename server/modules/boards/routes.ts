import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { allRoles, consoleRoles, managerRoles, reviewerRoles } from '../../lib/roles';
import { getHouseholdStars } from './getHouseholdStars';
import { getPublication } from './getPublication';
import { listPublications } from './listPublications';
import { listRectifications } from './listRectifications';
import { previewBoard } from './previewBoard';
import { proposePublication } from './proposePublication';
import { proposeRectification } from './proposeRectification';
import { approvePublication, rejectPublication } from './reviewPublication';
import { approveRectification, rejectRectification } from './reviewRectification';
import { BoardQuery, BoardSpec, KindAreaParam, ListPublicationsQuery, ListRectificationsQuery, ProposeRectificationBody, ReasonBody, YearQuery } from './schemas';

const tags = ['boards'];

/** Staff side of the boards: preview, propose and review publication; record and review rectifications. */
export const boardRoutes = new Hono<AppEnv>()
  .get('/boards/preview/:kind/:id', describeRoute({ tags, summary: 'Compute a board now (nothing stored)' }), allow(...consoleRoles), valid('param', KindAreaParam), valid('query', BoardQuery), async (c) => {
    const { kind, id } = c.req.valid('param');
    return c.json(await previewBoard(ctxOf(c), kind, id, c.req.valid('query')), 200);
  })
  .get('/boards/publications', describeRoute({ tags, summary: 'Publication requests and published versions' }), allow(...consoleRoles), valid('query', ListPublicationsQuery), async (c) =>
    c.json(await listPublications(ctxOf(c), c.req.valid('query')), 200),
  )
  .post('/boards/publications', describeRoute({ tags, summary: 'Propose a board for publication (frozen snapshot)' }), allow(...managerRoles), valid('json', BoardSpec), async (c) =>
    c.json(await proposePublication(ctxOf(c), c.req.valid('json')), 201),
  )
  .get('/boards/publications/:id', describeRoute({ tags, summary: 'One publication with its snapshot' }), allow(...consoleRoles), valid('param', IdParam), async (c) =>
    c.json(await getPublication(ctxOf(c), c.req.valid('param').id), 200),
  )
  .post('/boards/publications/:id/approve', describeRoute({ tags, summary: 'Publish (a reviewer other than the proposer)' }), allow(...reviewerRoles), valid('param', IdParam), async (c) =>
    c.json(await approvePublication(ctxOf(c), c.req.valid('param').id), 200),
  )
  .post('/boards/publications/:id/reject', describeRoute({ tags, summary: 'Reject a publication request' }), allow(...reviewerRoles), valid('param', IdParam), valid('json', ReasonBody), async (c) =>
    c.json(await rejectPublication(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason), 200),
  )
  .get('/boards/rectifications', describeRoute({ tags, summary: 'Rectifications (整改) of black-list entries' }), allow(...consoleRoles), valid('query', ListRectificationsQuery), async (c) =>
    c.json(await listRectifications(ctxOf(c), c.req.valid('query')), 200),
  )
  .post('/boards/rectifications', describeRoute({ tags, summary: 'Record a rectification for a black-list deduction' }), allow(...managerRoles), valid('json', ProposeRectificationBody), async (c) =>
    c.json(await proposeRectification(ctxOf(c), c.req.valid('json')), 201),
  )
  .post('/boards/rectifications/:id/approve', describeRoute({ tags, summary: 'Approve a rectification: the entry leaves the black list' }), allow(...reviewerRoles), valid('param', IdParam), async (c) =>
    c.json(await approveRectification(ctxOf(c), c.req.valid('param').id), 200),
  )
  .post('/boards/rectifications/:id/reject', describeRoute({ tags, summary: 'Reject a rectification' }), allow(...reviewerRoles), valid('param', IdParam), valid('json', ReasonBody), async (c) =>
    c.json(await rejectRectification(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason), 200),
  )
  .get('/boards/stars/household/:id', describeRoute({ tags, summary: "A household's stars for a year: computed now and as published" }), allow(...allRoles), valid('param', IdParam), valid('query', YearQuery), async (c) =>
    c.json(await getHouseholdStars(ctxOf(c), c.req.valid('param').id, c.req.valid('query').year), 200),
  );
