import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { adminRoles, managerRoles } from '../../lib/roles';
import { createArea } from './createArea';
import { listAreas } from './listAreas';
import { IdParam } from '../../lib/params';
import { createGroup, renameGroup } from './manageGroups';
import { AreaAnswer, AreaListAnswer, AreaSettingsAnswer, GroupAnswer, UpdatedAreaSettingsAnswer } from './responses';
import { AreaSettingsBody, CreateAreaBody, GroupBody } from './schemas';
import { getAreaSettings, updateAreaSettings } from './updateAreaSettings';

const admins = adminRoles;

export const areaRoutes = new Hono<AppEnv>()
  .get('/areas', describeRoute(doc({ tags: ['areas'], zh: '本人所在区域及下级区域', en: "The actor's area and below", access: 'session', noInput: true, ok: { status: 200, schema: AreaListAnswer } })), allow(...allRoles), async (c) =>
    c.json(answer(AreaListAnswer, await listAreas(ctxOf(c))), 200),
  )
  .post('/areas', describeRoute(doc({ tags: ['areas'], zh: '新建乡镇、村或村民小组', en: 'Create a township, village or group', ok: { status: 201, schema: AreaAnswer }, errors: ['invalid_parent', 'not_found'] })), allow(...admins), valid('json', CreateAreaBody), async (c) =>
    c.json(answer(AreaAnswer, await createArea(ctxOf(c), c.req.valid('json'))), 201),
  )
  .post(
    '/areas/:id/groups',
    describeRoute(doc({ tags: ['areas'], zh: '为村新增村民小组（本村干部及以上）', en: 'Add a 村民小组 to a village (its cadre or above)', ok: { status: 201, schema: AreaAnswer }, errors: ['conflict', 'not_found'] })),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', GroupBody),
    async (c) => c.json(answer(AreaAnswer, await createGroup(ctxOf(c), c.req.valid('param').id, c.req.valid('json').name)), 201),
  )
  .patch('/groups/:id', describeRoute(doc({ tags: ['areas'], zh: '重命名村民小组', en: 'Rename a 村民小组', ok: { status: 200, schema: GroupAnswer }, errors: ['conflict', 'not_found'] })), allow(...managerRoles), valid('param', IdParam), valid('json', GroupBody), async (c) =>
    c.json(answer(GroupAnswer, await renameGroup(ctxOf(c), c.req.valid('param').id, c.req.valid('json').name)), 200),
  )
  .get('/areas/:id/settings', describeRoute(doc({ tags: ['areas'], zh: '区域生效的设置（含继承）', en: 'Effective (inherited) settings', access: 'session', ok: { status: 200, schema: AreaSettingsAnswer }, errors: ['not_found'] })), allow(...allRoles), valid('param', IdParam), async (c) =>
    c.json(answer(AreaSettingsAnswer, await getAreaSettings(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .patch(
    '/areas/:id/settings',
    describeRoute(doc({ tags: ['areas'], zh: '修改区域设置（null 表示继承上级）', en: 'Change settings (null = inherit)', ok: { status: 200, schema: UpdatedAreaSettingsAnswer }, errors: ['not_found'] })),
    allow(...admins),
    valid('param', IdParam),
    valid('json', AreaSettingsBody),
    async (c) => c.json(answer(UpdatedAreaSettingsAnswer, await updateAreaSettings(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
