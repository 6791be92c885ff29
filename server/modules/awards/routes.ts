import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { adminRoles, managerRoles, reviewerRoles } from '../../lib/roles';
import { IdParam } from '../../lib/params';
import { approveAward, approveMany } from './approveAward';
import { getAward } from './getAward';
import { listAwards } from './listAwards';
import { listObjections } from './listObjections';
import { objectToAward } from './objectToAward';
import { postDueAwards } from './postDueAwards';
import { proposeAward } from './proposeAward';
import { proposeBatch } from './proposeBatch';
import { rejectAward } from './rejectAward';
import { resolveObjection } from './resolveObjection';
import { BulkApproveBody, ListAwardsQuery, ListObjectionsQuery, ProposeAwardBody, ProposeBatchBody, ReasonBody, ResolveObjectionBody } from './schemas';

const proposers = managerRoles;
const reviewers = reviewerRoles;
const objectors = ['household', 'village_cadre', 'reviewer'] as const;

export const awardRoutes = new Hono<AppEnv>()
  .get('/awards', describeRoute({ tags: ['awards'], summary: 'Awards by status, village, household or batch' }), allow(...allRoles), valid('query', ListAwardsQuery), async (c) =>
    c.json(await listAwards(ctxOf(c), c.req.valid('query')), 200),
  )
  .post('/awards', describeRoute({ tags: ['awards'], summary: 'Propose points for one household' }), allow(...proposers), valid('json', ProposeAwardBody), async (c) =>
    c.json(await proposeAward(ctxOf(c), c.req.valid('json')), 201),
  )
  .post('/awards/batch', describeRoute({ tags: ['awards'], summary: 'Propose one rule for many households, all or nothing' }), allow(...proposers), valid('json', ProposeBatchBody), async (c) =>
    c.json(await proposeBatch(ctxOf(c), c.req.valid('json')), 201),
  )
  .post('/awards/approve', describeRoute({ tags: ['awards'], summary: 'Approve many pending awards at once' }), allow(...reviewers), valid('json', BulkApproveBody), async (c) =>
    c.json({ items: await approveMany(ctxOf(c), c.req.valid('json').ids) }, 200),
  )
  .post('/awards/post-due', describeRoute({ tags: ['awards'], summary: 'Post awards in your area whose notice has ended (also runs every minute)' }), allow(...adminRoles), async (c) =>
    c.json(await postDueAwards(ctxOf(c)), 200),
  )
  .get('/awards/:id', describeRoute({ tags: ['awards'], summary: 'One award with its objections' }), allow(...allRoles), valid('param', IdParam), async (c) =>
    c.json(await getAward(ctxOf(c), c.req.valid('param').id), 200),
  )
  .post('/awards/:id/approve', describeRoute({ tags: ['awards'], summary: 'Approve: public notice, or post at once' }), allow(...reviewers), valid('param', IdParam), async (c) =>
    c.json(await approveAward(ctxOf(c), c.req.valid('param').id), 200),
  )
  .post('/awards/:id/reject', describeRoute({ tags: ['awards'], summary: 'Reject with a reason' }), allow(...reviewers), valid('param', IdParam), valid('json', ReasonBody), async (c) =>
    c.json(await rejectAward(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason), 200),
  )
  .post('/awards/:id/objections', describeRoute({ tags: ['awards'], summary: 'Object during public notice' }), allow(...objectors), valid('param', IdParam), valid('json', ReasonBody), async (c) =>
    c.json(await objectToAward(ctxOf(c), c.req.valid('param').id, c.req.valid('json').reason), 201),
  )
  .get('/objections', describeRoute({ tags: ['awards'], summary: 'Objections to handle' }), allow(...reviewers, 'village_cadre'), valid('query', ListObjectionsQuery), async (c) =>
    c.json(await listObjections(ctxOf(c), c.req.valid('query')), 200),
  )
  .post(
    '/objections/:id/resolve',
    describeRoute({ tags: ['awards'], summary: 'Uphold (back to review) or dismiss an objection' }),
    allow(...reviewers),
    valid('param', IdParam),
    valid('json', ResolveObjectionBody),
    async (c) => c.json(await resolveObjection(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
