import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { allRoles, managerRoles, staffRoles } from '../../lib/roles';
import { addMember } from './addMember';
import { changeCategory } from './changeCategory';
import { createHousehold } from './createHousehold';
import { getHousehold } from './getHousehold';
import { listHouseholds } from './listHouseholds';
import { CategoryChangeAnswer, HouseholdAnswer, HouseholdDetailAnswer, HouseholdListAnswer, MemberAnswer } from './responses';
import { ChangeCategoryBody, CreateHouseholdBody, ListHouseholdsQuery, MemberInput, UpdateHouseholdBody } from './schemas';
import { updateHousehold } from './updateHousehold';

export const householdRoutes = new Hono<AppEnv>()
  .get('/households', describeRoute(doc({ tags: ['households'], zh: '查找农户', en: 'Search households', ok: { status: 200, schema: HouseholdListAnswer }, errors: ['not_found'] })), allow(...staffRoles), valid('query', ListHouseholdsQuery), async (c) =>
    c.json(answer(HouseholdListAnswer, await listHouseholds(ctxOf(c), c.req.valid('query'))), 200),
  )
  .post('/households', describeRoute(doc({ tags: ['households'], zh: '登记农户', en: 'Register a household', ok: { status: 201, schema: HouseholdAnswer }, errors: ['id_number_taken', 'invalid_group', 'not_found'] })), allow(...managerRoles), valid('json', CreateHouseholdBody), async (c) =>
    c.json(answer(HouseholdAnswer, await createHousehold(ctxOf(c), c.req.valid('json'))), 201),
  )
  .get('/households/:id', describeRoute(doc({ tags: ['households'], zh: '农户详情（成员、类别变更、卡）', en: 'One household with members and history (a household: its own)', access: 'session', ok: { status: 200, schema: HouseholdDetailAnswer }, errors: ['not_found'] })), allow(...allRoles), valid('param', IdParam), async (c) =>
    c.json(answer(HouseholdDetailAnswer, await getHousehold(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .patch(
    '/households/:id',
    describeRoute(doc({ tags: ['households'], zh: '修改农户信息', en: 'Edit a household', ok: { status: 200, schema: HouseholdAnswer }, errors: ['id_number_taken', 'invalid_group', 'not_found'] })),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', UpdateHouseholdBody),
    async (c) => c.json(answer(HouseholdAnswer, await updateHousehold(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  )
  .post(
    '/households/:id/category',
    describeRoute(doc({ tags: ['households'], zh: '变更农户类别（保留历史）', en: 'Change the category (kept in history)', ok: { status: 201, schema: CategoryChangeAnswer }, errors: ['not_found'] })),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', ChangeCategoryBody),
    async (c) => c.json(answer(CategoryChangeAnswer, await changeCategory(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 201),
  )
  .post(
    '/households/:id/members',
    describeRoute(doc({ tags: ['households'], zh: '添加家庭成员或代领人', en: 'Add a member or proxy', ok: { status: 201, schema: MemberAnswer }, errors: ['not_found'] })),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', MemberInput),
    async (c) => c.json(answer(MemberAnswer, await addMember(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 201),
  );
