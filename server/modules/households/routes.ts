import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { allRoles, managerRoles, staffRoles } from '../../lib/roles';
import { addMember } from './addMember';
import { changeCategory } from './changeCategory';
import { createHousehold } from './createHousehold';
import { getHousehold } from './getHousehold';
import { listHouseholds } from './listHouseholds';
import { ChangeCategoryBody, CreateHouseholdBody, ListHouseholdsQuery, MemberInput, UpdateHouseholdBody } from './schemas';
import { updateHousehold } from './updateHousehold';

export const householdRoutes = new Hono<AppEnv>()
  .get('/households', describeRoute({ tags: ['households'], summary: 'Search households' }), allow(...staffRoles), valid('query', ListHouseholdsQuery), async (c) =>
    c.json(await listHouseholds(ctxOf(c), c.req.valid('query')), 200),
  )
  .post('/households', describeRoute({ tags: ['households'], summary: 'Register a household' }), allow(...managerRoles), valid('json', CreateHouseholdBody), async (c) =>
    c.json(await createHousehold(ctxOf(c), c.req.valid('json')), 201),
  )
  .get('/households/:id', describeRoute({ tags: ['households'], summary: 'One household with members and history' }), allow(...allRoles), valid('param', IdParam), async (c) =>
    c.json(await getHousehold(ctxOf(c), c.req.valid('param').id), 200),
  )
  .patch(
    '/households/:id',
    describeRoute({ tags: ['households'], summary: 'Edit a household' }),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', UpdateHouseholdBody),
    async (c) => c.json(await updateHousehold(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .post(
    '/households/:id/category',
    describeRoute({ tags: ['households'], summary: 'Change the category (kept in history)' }),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', ChangeCategoryBody),
    async (c) => c.json(await changeCategory(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .post(
    '/households/:id/members',
    describeRoute({ tags: ['households'], summary: 'Add a member or proxy' }),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', MemberInput),
    async (c) => c.json(await addMember(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
  );
