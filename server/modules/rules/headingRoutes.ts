import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { managerRoles } from '../../lib/roles';
import { createHeading } from './createHeading';
import { listHeadings } from './listHeadings';
import { HeadingAnswer, HeadingListAnswer } from './headingResponses';
import { CreateHeadingBody, UpdateHeadingBody } from './schemas';
import { updateHeading } from './updateHeading';

export const headingRoutes = new Hono<AppEnv>()
  .get(
    '/areas/:id/headings',
    describeRoute(doc({ tags: ['rules'], zh: '某区域积分细则的类别（模板、上级及本级）', en: 'Catalogue headings in force in an area (template, inherited, own)', access: 'session', ok: { status: 200, schema: HeadingListAnswer }, errors: ['not_found'] })),
    allow(...allRoles),
    valid('param', IdParam),
    async (c) => c.json(answer(HeadingListAnswer, await listHeadings(ctxOf(c), c.req.valid('param').id)), 200),
  )
  .post(
    '/areas/:id/headings',
    describeRoute(doc({ tags: ['rules'], zh: '新增本区域的类别', en: "Add a heading to the area's own catalogue", ok: { status: 201, schema: HeadingAnswer }, errors: ['invalid_area', 'not_found', 'duplicate_heading'] })),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', CreateHeadingBody),
    async (c) => c.json(answer(HeadingAnswer, await createHeading(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 201),
  )
  .patch(
    '/headings/:id',
    describeRoute(doc({ tags: ['rules'], zh: '修改本区域的类别（名称、顺序、星级维度、扣分类别）', en: 'Edit a heading of an area you manage', ok: { status: 200, schema: HeadingAnswer }, errors: ['not_found', 'duplicate_heading'] })),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', UpdateHeadingBody),
    async (c) => c.json(answer(HeadingAnswer, await updateHeading(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
