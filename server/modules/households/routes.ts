import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { addMember } from './addMember';
import { changeCategory } from './changeCategory';
import { createHousehold } from './createHousehold';
import { getHousehold } from './getHousehold';
import { listHouseholds } from './listHouseholds';
import { ChangeCategoryBody, CreateHouseholdBody, ListHouseholdsQuery, MemberInput, UpdateHouseholdBody } from './schemas';
import { updateHousehold } from './updateHousehold';

const registrars = ['county_admin', 'township_admin', 'village_cadre'] as const;
const readers = ['county_admin', 'township_admin', 'village_cadre', 'reviewer', 'clerk'] as const;

export const householdRoutes = new Hono<AppEnv>()
  .get('/households', describeRoute({ tags: ['households'], summary: 'Search households' }), allow(...readers), valid('query', ListHouseholdsQuery), (c) =>
    c.json(listHouseholds(ctxOf(c), c.req.valid('query')), 200),
  )
  .post('/households', describeRoute({ tags: ['households'], summary: 'Register a household' }), allow(...registrars), valid('json', CreateHouseholdBody), (c) =>
    c.json(createHousehold(ctxOf(c), c.req.valid('json')), 201),
  )
  .get('/households/:id', describeRoute({ tags: ['households'], summary: 'One household with members and history' }), allow(...allRoles), valid('param', IdParam), async (c) =>
    c.json(await getHousehold(ctxOf(c), c.req.valid('param').id), 200),
  )
  .patch(
    '/households/:id',
    describeRoute({ tags: ['households'], summary: 'Edit a household' }),
    allow(...registrars),
    valid('param', IdParam),
    valid('json', UpdateHouseholdBody),
    (c) => c.json(updateHousehold(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .post(
    '/households/:id/category',
    describeRoute({ tags: ['households'], summary: 'Change the category (kept in history)' }),
    allow(...registrars),
    valid('param', IdParam),
    valid('json', ChangeCategoryBody),
    (c) => c.json(changeCategory(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .post(
    '/households/:id/members',
    describeRoute({ tags: ['households'], summary: 'Add a member or proxy' }),
    allow(...registrars),
    valid('param', IdParam),
    valid('json', MemberInput),
    (c) => c.json(addMember(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 201),
  );
