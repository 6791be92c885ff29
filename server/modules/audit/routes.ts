import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { consoleRoles } from '../../lib/roles';
import { listAudit } from './listAudit';
import { AuditListAnswer } from './responses';
import { ListAuditQuery } from './schemas';

export const auditRoutes = new Hono<AppEnv>().get(
  '/audit',
  describeRoute(doc({ tags: ['audit'], zh: '操作日志：谁在何时对哪条记录做了什么', en: 'Who did what, when, to which record', ok: { status: 200, schema: AuditListAnswer } })),
  allow(...consoleRoles),
  valid('query', ListAuditQuery),
  async (c) => c.json(answer(AuditListAnswer, await listAudit(ctxOf(c), c.req.valid('query'))), 200),
);
