import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { consoleRoles } from '../../lib/roles';
import { listAudit } from './listAudit';
import { ListAuditQuery } from './schemas';

export const auditRoutes = new Hono<AppEnv>().get(
  '/audit',
  describeRoute({ tags: ['audit'], summary: 'Who did what, when, to which record' }),
  allow(...consoleRoles),
  valid('query', ListAuditQuery),
  async (c) => c.json(await listAudit(ctxOf(c), c.req.valid('query')), 200),
);
