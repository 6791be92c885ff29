import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { adminRoles, managerRoles } from '../../lib/roles';
import { createArea } from './createArea';
import { listAreas } from './listAreas';
import { IdParam } from '../../lib/params';
import { createGroup, renameGroup } from './manageGroups';
import { AreaSettingsBody, CreateAreaBody, GroupBody } from './schemas';
import { getAreaSettings, updateAreaSettings } from './updateAreaSettings';

const admins = adminRoles;

export const areaRoutes = new Hono<AppEnv>()
  .get('/areas', describeRoute({ tags: ['areas'], summary: "The actor's area and below" }), allow(...allRoles), async (c) =>
    c.json(await listAreas(ctxOf(c)), 200),
  )
  .post('/areas', describeRoute({ tags: ['areas'], summary: 'Create a township, village or group' }), allow(...admins), valid('json', CreateAreaBody), async (c) =>
    c.json(await createArea(ctxOf(c), c.req.valid('json')), 201),
  )
  .post(
    '/areas/:id/groups',
    describeRoute({ tags: ['areas'], summary: 'Add a 村民小组 to a village (its cadre or above)' }),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', GroupBody),
    async (c) => c.json(await createGroup(ctxOf(c), c.req.valid('param').id, c.req.valid('json').name), 201),
  )
  .patch('/groups/:id', describeRoute({ tags: ['areas'], summary: 'Rename a 村民小组' }), allow(...managerRoles), valid('param', IdParam), valid('json', GroupBody), async (c) =>
    c.json(await renameGroup(ctxOf(c), c.req.valid('param').id, c.req.valid('json').name), 200),
  )
  .get('/areas/:id/settings', describeRoute({ tags: ['areas'], summary: 'Effective (inherited) settings' }), allow(...allRoles), valid('param', IdParam), async (c) =>
    c.json(await getAreaSettings(ctxOf(c), c.req.valid('param').id), 200),
  )
  .patch(
    '/areas/:id/settings',
    describeRoute({ tags: ['areas'], summary: 'Change settings (null = inherit)' }),
    allow(...admins),
    valid('param', IdParam),
    valid('json', AreaSettingsBody),
    async (c) => c.json(await updateAreaSettings(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
